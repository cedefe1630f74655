import json

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mnist1d_lib as m1
from mnist1d_lib.results import Run, to_jsonable


def test_compute_reuses_a_stored_result_until_config_changes_or_forced(results_tmp):
    calls = []

    def work():
        calls.append(1)
        return {"acc": np.array([1.5, 2.5])}

    run = Run("demo", profile="smoke", device="cpu")
    assert run.compute("part", {"steps": 3}, work) == {"acc": [1.5, 2.5]}
    run.record("dataset/knn_pixel_acc", [59.0, 60.0])
    path = run.save()
    doc = json.loads(path.read_text())
    for key in ("config", "metrics", "runtime_s", "compute_s", "device", "provenance", "seed", "outputs"):
        assert key in doc
    assert doc["provenance"]["versions"]["torch"] and doc["provenance"]["git_commit"]
    assert doc["metrics"]["dataset/knn_pixel_acc"] == {"values": [59.0, 60.0], "n_seeds": 2}

    assert Run("demo", profile="smoke", device="cpu").compute("part", {"steps": 3}, work) == {"acc": [1.5, 2.5]}
    assert len(calls) == 1  # reused
    Run("demo", profile="smoke", device="cpu").compute("part", {"steps": 4}, work)
    assert len(calls) == 2  # config changed
    Run("demo", profile="smoke", device="cpu", force=True).compute("part", {"steps": 3}, work)
    assert len(calls) == 3  # forced


def test_library_hash_ignores_comments_and_docstrings(tmp_path, monkeypatch):
    (tmp_path / "train.py").write_text('"""Doc."""\ndef f(x):\n    """What f does."""\n    return x + 1\n')
    monkeypatch.setattr(m1.results, "LIBRARY_DIR", tmp_path)
    base = m1.results.library_hash()
    (tmp_path / "train.py").write_text('"""Other doc."""\n\n\ndef f(x):  # a comment\n    return x + 1\n')
    assert m1.results.library_hash() == base
    (tmp_path / "train.py").write_text('def f(x):\n    return x + 2\n')
    assert m1.results.library_hash() != base


def test_cache_key_includes_the_library_source(results_tmp, monkeypatch):
    run = Run("demo", profile="smoke", device="cpu")
    run.compute("part", {}, lambda: 1)
    run.save()
    monkeypatch.setattr(m1.results, "library_hash", lambda modules=None: "changed")
    calls = []
    Run("demo", profile="smoke", device="cpu").compute("part", {}, lambda: calls.append(1) or 1)
    assert calls == [1]


def test_writes_are_atomic(results_tmp, monkeypatch):
    run = Run("demo", profile="smoke", device="cpu")
    run.save()
    before = run.path.read_text()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(m1.files.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        Run("demo", profile="smoke", device="cpu").save()
    assert run.path.read_text() == before
    assert not [p for p in run.path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("profile, formats", [("quick", {"line.png", "line.pdf"}), ("smoke", {"line.png"})])
def test_figures_are_saved_in_the_profiles_formats(results_tmp, profile, formats):
    run = Run("demo", profile=profile, device="cpu")
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    run.save_figure(fig, "line")
    folder = results_tmp / profile / "figures" / "demo"
    assert {p.name for p in folder.iterdir()} == formats
    assert all(p.stat().st_size > 0 for p in folder.iterdir())


def test_json_conversion():
    assert to_jsonable({"a": np.float32(0.1), "b": float("nan"), "c": (1, np.int64(2))}) == {
        "a": 0.1, "b": None, "c": [1, 2]}


def test_unknown_profile_is_an_error(results_tmp):
    with pytest.raises(ValueError, match="unknown profile"):
        Run("demo", profile="huge")


def test_library_hash_leaves_out_presentation_modules(tmp_path, monkeypatch):
    for name in ("train.py", "plotting.py"):
        (tmp_path / name).write_text("x = 1\n")
    monkeypatch.setattr(m1.results, "LIBRARY_DIR", tmp_path)
    base = m1.results.library_hash()
    (tmp_path / "plotting.py").write_text("x = 2\n")
    assert m1.results.library_hash() == base
    (tmp_path / "train.py").write_text("x = 2\n")
    assert m1.results.library_hash() != base


def test_fingerprint_follows_the_modules_a_computation_uses():
    settings = m1.profiles.get_profile("smoke").classification
    _, modules = m1.results.computation_fingerprint(lambda: m1.classification.train_benchmark(settings))
    assert {"classification", "train", "models", "gru", "data", "results"} <= set(modules)
    assert "baselines" not in modules and "plotting" not in modules  # other chapters' code does not matter
    assert "profiles" not in modules  # settings reach a computation through its config, part of the cache key


def test_fingerprint_sees_a_library_module_under_another_name():
    dd = m1.double_descent
    _, modules = m1.results.computation_fingerprint(lambda: dd.train_sweep([], None, None))
    assert {"double_descent", "train", "stacking"} <= set(modules)


def test_fingerprint_changes_with_the_notebooks_own_code():
    def helper_a():
        return m1.baselines.knn_accuracy(None, k=10)

    def helper_b():
        return m1.baselines.knn_accuracy(None, k=5)

    hash_a, modules = m1.results.computation_fingerprint(lambda: helper_a())
    hash_b, _ = m1.results.computation_fingerprint(lambda: helper_b())
    assert "baselines" in modules and hash_a != hash_b
    assert m1.results.computation_fingerprint(lambda: helper_a())[0] == hash_a
