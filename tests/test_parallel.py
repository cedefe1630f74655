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


@pytest.mark.usefixtures("one_thread")
def test_a_lottery_ablations_groups_are_searched_side_by_side(tmp_path, monkeypatch):
    """A reader's lottery ablation with trials (2, 0) where the smoke profile stored (0, 1) of
    one group: that group's new trial and a whole other group are searched on one parallel
    map (``Run.compute_seeds_many``), and two workers give the values of one, bitwise."""
    groups = {f"perturbation: {v}": m1.lottery_analysis.group_seeded("perturbation", v) for v in ("none", "crop")}
    values, searched = {}, []
    pmap = m1.results.pmap
    monkeypatch.setattr(m1.results, "pmap", lambda fn, jobs: searched.append(len(jobs)) or pmap(fn, jobs))
    for label, n in [("one", "1"), ("many", "2")]:
        monkeypatch.setenv("MNIST1D_RESULTS", str(tmp_path / label))
        monkeypatch.setenv("MNIST1D_CHECKPOINTS", str(tmp_path / label / ".checkpoints"))
        monkeypatch.setenv("MNIST1D_WORKERS", n)
        record = Run("lottery_perturbation", "smoke", device="cpu")
        record.compute_seeds("perturbation: none", groups["perturbation: none"], record.settings.lottery, "cpu")
        record.save()
        custom = m1.profiles.customised("smoke", "lottery", seeds=[2, 0], notebook="lottery_perturbation")
        reader = Run("lottery_perturbation", custom, device="cpu")
        values[label] = reader.compute_seeds_many(groups, custom.lottery, "cpu")
        assert reader.outputs["perturbation: none"]["seeds_reused"] == {"seeds": [0], "from": "smoke/lottery_perturbation"}
        assert "seeds_reused" not in reader.outputs["perturbation: crop"]
    assert searched == [1, 2, 1, 2]
    assert json.dumps(values["one"], sort_keys=True) == json.dumps(values["many"], sort_keys=True)


def test_workers_must_be_a_positive_number(monkeypatch):
    monkeypatch.setenv("MNIST1D_WORKERS", "zero")
    with pytest.raises(ValueError, match="MNIST1D_WORKERS"):
        m1.parallel.workers()
