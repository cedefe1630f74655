import pytest
import torch

import mnist1d_lib as m1
from mnist1d_lib.gru import gru_recurrence
from mnist1d_lib.stacking import stack_models, unstack_model


@pytest.mark.parametrize("name, count", [("logistic", 410), ("mlp", 15_210), ("cnn", 5_210), ("gru", 5_134)])
def test_parameter_counts_match_the_paper(name, count):
    assert m1.models.count_parameters(m1.models.build_model(name)) == count


@pytest.mark.parametrize("name", list(m1.models.MODELS))
def test_logits_shape(name):
    assert m1.models.build_model(name)(torch.randn(7, 40)).shape == (7, 10)


def test_unknown_model_is_an_error():
    with pytest.raises(ValueError, match="unknown model"):
        m1.models.build_model("transformer")


def test_gru_equals_torch_gru():
    torch.manual_seed(0)
    model = m1.models.GRU()
    x = torch.randn(5, 40)
    reference, _ = model.gru(x.unsqueeze(-1))  # nn.GRU with the same parameters
    torch.testing.assert_close(model.recurrent_states(x), reference, atol=1e-6, rtol=1e-5)


def test_gru_backward_matches_finite_differences():
    torch.manual_seed(0)
    g, b, t, h = 2, 3, 5, 4
    args = [torch.randn(g, b, t), torch.randn(g, 3 * h, 1), torch.randn(g, 3 * h, h),
            torch.randn(g, 3 * h), torch.randn(g, 3 * h)]
    args = [a.double().requires_grad_() for a in args]
    assert torch.autograd.gradcheck(gru_recurrence, args)


@pytest.mark.parametrize("name", list(m1.models.MODELS))
def test_stacked_models_equal_their_members(name):
    models = [m1.train.init_model(lambda: m1.models.build_model(name), s) for s in range(3)]
    stacked = stack_models(models)
    x = torch.randn(3, 6, 40)
    out = stacked(x)
    assert out.shape == (3, 6, 10)
    for k, model in enumerate(models):
        torch.testing.assert_close(out[k], model(x[k]), atol=1e-5, rtol=1e-5)
        back = unstack_model(stacked, k, models[0])
        torch.testing.assert_close(back(x[k]), model(x[k]))
