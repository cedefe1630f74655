"""CPU and CUDA agree within float tolerance, not bitwise (run where a GPU is present;
`benchmarks/gpu_check.sh` runs the unit tests there).

Both devices start from the same weights and mini-batches (initialised and drawn on the
CPU), so they differ only in float arithmetic: kernels sum in other orders, and cuDNN
convolutions use TF32 by default (10-bit mantissa). The tolerances below are what the
book states: the untrained models agree to 1e-3 relative (TF32 rounding of one forward
pass), and after 300 steps of Adam the test loss to 5 % and the test accuracy to 3 points,
because training amplifies the first differences."""
import numpy as np
import pytest
import torch

import mnist1d_lib as m1
from mnist1d_lib.train import TrainConfig, train_many

from .conftest import small

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@pytest.mark.parametrize("name", ["mlp", "cnn", "gru"])
def test_cpu_and_cuda_agree_within_tolerance(data, name):
    config = TrainConfig(steps=300, eval_every=150)
    part = small(data, 2000, 500)
    runs = {device: train_many(lambda: m1.models.build_model(name), part, config, seeds=[0, 1, 2],
                               device=device, progress=False)[1] for device in ("cpu", "cuda")}
    cpu, cuda = runs["cpu"], runs["cuda"]
    np.testing.assert_allclose(cuda["test_loss"][:, 0], cpu["test_loss"][:, 0], rtol=1e-3)
    np.testing.assert_allclose(cuda["test_loss"][:, -1], cpu["test_loss"][:, -1], rtol=0.05)
    np.testing.assert_allclose(cuda["test_acc"][:, -1], cpu["test_acc"][:, -1], atol=3.0)
