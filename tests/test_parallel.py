"""The parallel map: results do not depend on the number of workers or the engine."""
import json

import pytest

import mnist1d_lib as m1
from mnist1d_lib.results import Run


def _computations(data):
    """Two small independent sweeps, as the double-descent notebook's MLP and CNN."""
    small = m1.data.Dataset(x=data.x[:300], y=data.y[:300], x_test=data.x_test[:100], y_test=data.y_test[:100],
                            t=data.t)
    schedule = m1.double_descent.sweep_config(2, 1, n_train=300)
    members = {"mlp": [m1.double_descent.Member("mlp", w, s, 0.15) for w in (4, 16) for s in (0, 1)],
               "cnn": [m1.double_descent.Member("cnn", c, s, 0.15) for c in (2, 4) for s in (0, 1)]}
    return {arch: ({"members": members[arch]},
                   lambda arch=arch: m1.double_descent.train_sweep(members[arch], small, schedule, "cpu", False))
            for arch in members}


@pytest.mark.parametrize("workers", ["2", "dask"])
def test_two_workers_give_the_results_of_one(data, tmp_path, monkeypatch, workers):
    values = {}
    for label, n in [("one", "1"), ("many", "2")]:
        monkeypatch.setenv("MNIST1D_RESULTS", str(tmp_path / label))
        monkeypatch.setenv("MNIST1D_WORKERS", n)
        run = Run("demo", profile="smoke", device="cpu")
        if label == "many" and workers == "dask":
            distributed = pytest.importorskip("distributed")
            import joblib

            with distributed.Client(n_workers=2, threads_per_worker=1, processes=True), \
                    joblib.parallel_config(backend="dask"):
                values[label] = run.compute_many(_computations(data))
        else:
            values[label] = run.compute_many(_computations(data))
        run.save()
    assert json.dumps(values["one"], sort_keys=True) == json.dumps(values["many"], sort_keys=True)


def test_workers_must_be_a_positive_number(monkeypatch):
    monkeypatch.setenv("MNIST1D_WORKERS", "zero")
    with pytest.raises(ValueError, match="MNIST1D_WORKERS"):
        m1.parallel.workers()
