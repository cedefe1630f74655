import json
from dataclasses import replace

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
    run.save()
    doc = json.loads(run.path.read_text())
    assert doc["complete"] is True
    for key in ("config", "metrics", "runtime_s", "compute_s", "device", "provenance", "outputs"):
        assert key in doc
    assert doc["provenance"]["versions"]["torch"] and doc["provenance"]["git_commit"]
    assert doc["metrics"]["dataset/knn_pixel_acc"] == {"values": [59.0, 60.0], "n_seeds": 2}

    assert Run("demo", profile="smoke", device="cpu").compute("part", {"steps": 3}, work) == {"acc": [1.5, 2.5]}
    assert len(calls) == 1  # reused
    Run("demo", profile="smoke", device="cpu").compute("part", {"steps": 4}, work)
    assert len(calls) == 2  # config changed
    Run("demo", profile="smoke", device="cpu", force=True).compute("part", {"steps": 3}, work)
    assert len(calls) == 3  # forced


def test_cache_key_follows_the_source_of_what_the_computation_reaches(results_tmp, monkeypatch):
    run = Run("demo", profile="smoke", device="cpu")
    run.compute("part", {}, lambda: m1.checks.check_in_range("x", 1, 0, 2))
    run.save()
    calls = []
    rerun = Run("demo", profile="smoke", device="cpu")
    rerun.compute("part", {}, lambda: m1.checks.check_in_range("x", 1, 0, 2))
    monkeypatch.setattr(m1.fingerprint, "module_index", lambda stem, real=m1.fingerprint.module_index: (
        {k: m1.fingerprint.Definition(text=v.text + "changed", names=v.names, attributes=v.attributes)
         for k, v in real(stem)[0].items()}, real(stem)[1]) if stem == "checks" else real(stem))
    Run("demo", profile="smoke", device="cpu").compute(
        "part", {}, lambda: calls.append(1) or m1.checks.check_in_range("x", 1, 0, 2))
    assert calls == [1]


def test_writes_are_atomic(results_tmp, monkeypatch):
    run = Run("demo", profile="smoke", device="cpu")
    run.save()
    before = run.path.read_text()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(m1.files.os, "replace", crash)
    changed = Run("demo", profile="smoke", device="cpu")
    changed.record("demo/claim", [1.0])
    with pytest.raises(KeyboardInterrupt):
        changed.save()
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


def test_a_cache_hit_leaves_the_results_file_alone(results_tmp):
    run = Run("demo", profile="smoke", device="cpu")
    run.compute("part", {}, lambda: 1)
    run.record("demo/claim", [1.0])
    run.save()
    before = run.path.read_bytes()
    again = Run("demo", profile="smoke", device="cpu")
    again.compute("part", {}, lambda: 1)
    again.record("demo/claim", [1.0])
    again.save()
    assert run.path.read_bytes() == before


def test_each_output_is_written_when_it_is_computed(results_tmp):
    calls = []

    def work():
        calls.append(1)
        return 1

    Run("demo", profile="smoke", device="cpu").compute("first", {}, work)
    doc = json.loads((results_tmp / "smoke" / "demo.json").read_text())  # no save(): as if stopped here
    assert doc["complete"] is False and doc["outputs"]["first"]["value"] == 1
    assert "demo" not in m1.results.load_results("smoke")  # a half-done notebook is not a result
    assert Run("demo", profile="smoke", device="cpu").compute("first", {}, work) == 1
    assert calls == [1]


def test_json_conversion():
    assert to_jsonable({"a": np.float32(0.1), "b": float("nan"), "c": (1, np.int64(2))}) == {
        "a": 0.1, "b": None, "c": [1, 2]}


def test_unknown_profile_is_an_error(results_tmp):
    with pytest.raises(ValueError, match="unknown profile"):
        Run("demo", profile="huge")


def test_fingerprint_follows_the_functions_a_computation_reaches():
    settings = m1.profiles.get_profile("smoke").classification
    _, reached = m1.fingerprint.fingerprint(lambda: m1.classification.train_benchmark(settings))
    assert {"classification.train_benchmark", "train.fit_stacked", "models.GRU", "gru.gru_recurrence",
            "stacking.StackedConv1d"} <= set(reached)
    assert not [r for r in reached if r.startswith(("baselines.", "plotting.", "scorecard.", "metalearn."))]
    assert "train.early_stopping" not in reached  # a function of a reached module that is not called


def test_fingerprint_sees_a_library_module_under_another_name():
    dd = m1.double_descent
    _, reached = m1.fingerprint.fingerprint(lambda: dd.train_sweep([], None, None))
    assert {"double_descent.train_sweep", "train.train_many", "stacking.stack_models"} <= set(reached)


def test_fingerprint_changes_with_the_notebooks_own_code():
    def helper_a():
        return m1.baselines.knn_accuracy(None, k=10)

    def helper_b():
        return m1.baselines.knn_accuracy(None, k=5)

    hash_a, reached = m1.fingerprint.fingerprint(lambda: helper_a())
    hash_b, _ = m1.fingerprint.fingerprint(lambda: helper_b())
    assert "baselines.knn_accuracy" in reached and hash_a != hash_b
    assert m1.fingerprint.fingerprint(lambda: helper_a())[0] == hash_a


def test_normalized_source_ignores_comments_docstrings_and_layout():
    base = m1.fingerprint.normalized_source('def f(x):\n    """What f does (±1)."""\n    return x + 1\n')
    same = m1.fingerprint.normalized_source('def f(x):  # a comment\n    """Other."""\n\n    return x + 1  \n')
    assert base == same == "def f(x):\n    return x + 1"
    assert m1.fingerprint.normalized_source("def f(x):\n    return x + 2\n") != base


def test_fingerprints_do_not_depend_on_the_python_version():
    """The library's definition hashes are the same under every Python 3 found here
    (pyenv's 3.10, 3.12, 3.13, ...): only source text goes into them, no bytecode."""
    import shutil
    import subprocess
    from pathlib import Path

    script = Path(m1.fingerprint.__file__)
    ours = m1.fingerprint.library_fingerprints()
    pythons = {p for v in ("3.10", "3.12", "3.13") for p in [shutil.which(f"python{v}")] if p and "shims" not in p}
    pythons |= {str(p) for p in Path.home().glob(".pyenv/versions/3.1[023]*/bin/python3")}
    if not pythons:
        pytest.skip("no other Python 3 interpreter on this machine")
    for python in sorted(pythons):
        out = subprocess.run([python, str(script)], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == ours, python


def test_a_legend_entry_that_draws_nothing_is_refused(results_tmp):
    m1.plotting.setup()
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2], "x", mew=0, label="invisible crosses")
    ax.legend()
    with pytest.raises(ValueError, match="'invisible crosses' draws nothing"):
        Run("demo", profile="smoke", device="cpu").save_figure(fig, "bad")
    ax.lines[0].set_markeredgewidth(1.5)
    ax.legend()
    Run("demo", profile="smoke", device="cpu").save_figure(fig, "good")


def test_figure_texts_are_at_least_9_pt_at_the_books_width():
    fig, ax = plt.subplots(figsize=(15, 4))
    ax.plot([1, 2], [1, 2])
    ax.set_xlabel("width")
    m1.plotting.readable(fig)
    shrink = m1.plotting.RENDERED_WIDTH_PX / (15 * 72)
    sizes = [t.get_fontsize() * shrink for t in ax.get_xticklabels() + [ax.xaxis.label]]
    assert min(sizes) >= m1.plotting.MIN_TEXT_PT - 1e-6


def test_a_readers_run_reuses_the_seeds_its_profile_computed(results_tmp, monkeypatch):
    """More metalearning seeds than the profile ran: the seeds it stored are reused (one
    computation each, found by cache key), only the new one is computed, and the reused
    values equal a fresh computation bit for bit."""
    settings = m1.profiles.get_profile("smoke").metalearn_afunc
    computed = []

    def chapter(run, seeds):
        def counted(seed):
            config, compute = m1.metalearn_afunc.chapter_computation(settings, "cpu", seed)
            return config, lambda: computed.append(seed) or compute()
        return run.compute_many({f"chapter_seed{s}": counted(s) for s in seeds})

    record = Run("metalearn_afunc", "smoke", device="cpu")
    chapter(record, (0,))
    record.save()
    custom = m1.profiles.customised("smoke", "metalearn_afunc", overrides={"meta_seeds": [0, 1]})
    computed.clear()
    reused = chapter(Run("metalearn_afunc", custom, device="cpu"), (0, 1))
    assert computed == [1]
    fresh = chapter(Run("metalearn_afunc", custom, device="cpu", force=True), (0, 1))
    assert json.dumps(reused, sort_keys=True) == json.dumps(fresh, sort_keys=True)


def test_a_computation_stored_by_another_notebook_of_the_profile_is_reused(results_tmp):
    """Every lottery ablation's baseline group is the same search: stored by one
    ablation notebook, it is reused by the others, with where it came from."""
    settings = m1.profiles.get_profile("smoke").lottery
    computed = []

    def baseline(ablation):
        (key, (config, compute)), *_ = m1.lottery.ablation_computations(settings, ablation, "cpu").items()
        return key, config, lambda: computed.append(ablation) or compute()

    first = Run("lottery_init", "smoke", device="cpu")
    key, config, fn = baseline("init")
    stored = first.compute(key, config, fn)
    first.save()
    second = Run("lottery_perturbation", "smoke", device="cpu")
    key, config, fn = baseline("perturbation")
    assert key == "perturbation: none" and second.compute(key, config, fn) == stored
    assert computed == ["init"]
    assert second.outputs[key]["stored_in"] == "smoke/lottery_init"
    second.save()
    saved = json.loads(second.path.read_text())
    assert saved["compute_s"] == 0 < json.loads(first.path.read_text())["compute_s"]



STACKED = {  # notebook: (section, output key, Seeded)
    "classification": ("classification", "benchmark", m1.classification.BENCHMARK),
    "pooling": ("pooling", "chapter", m1.pooling_analysis.CHAPTER),
    "self_supervised": ("ssl", "chapter", m1.ssl_analysis.CHAPTER),
    "self_supervised_projector": ("ssl", "heads", m1.ssl_analysis.HEADS),
    "double_descent": ("double_descent", "mlp", m1.double_descent_analysis.chapter_seeded("mlp")),
    "double_descent_width": ("dd_ablations", "sweep", m1.double_descent_analysis.ablation_seeded("width")),
    "lottery": ("lottery", "search", m1.lottery_analysis.SEARCH),
    "lottery_schedule": ("lottery", "schedule: exponential", m1.lottery_analysis.group_seeded("schedule", "exponential")),
    "metalearn_lr": ("metalearn_lr", "chapter", m1.metalearn_analysis.LR_CHAPTER),
    "metalearn_lr_hidden": ("metalearn_lr", "hidden", m1.metalearn_analysis.lr_ablation_seeded("hidden")),
}


@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("notebook", sorted(STACKED))
def test_a_stacked_chapter_computes_only_the_seeds_its_profile_lacks(results_tmp, notebook, monkeypatch):
    """A reader's run with seeds (2, 0) where the smoke profile stored (0,) or (0, 1): seed 2
    alone is trained, seed 0 is cut from the profile's stack, and the joined value equals a
    fresh stack of (2, 0) bitwise, every stored number and t-SNE map (at one thread, as the
    tests and the record run: a member's numbers do not depend on the seeds beside it)."""
    section, key, seeded = STACKED[notebook]
    record = Run(notebook, "smoke", device="cpu")
    record.compute_seeds(key, seeded, getattr(record.settings, section), "cpu")
    record.save()
    trained = []
    pmap = m1.results.pmap
    monkeypatch.setattr(m1.results, "pmap", lambda fn, jobs: trained.extend(j[0] for j in jobs) or pmap(fn, jobs))
    custom = m1.profiles.customised("smoke", section, seeds=[2, 0], notebook=notebook)
    settings = getattr(custom, section)
    reader = Run(notebook, custom, device="cpu")
    joined = reader.compute_seeds(key, seeded, settings, "cpu")
    assert reader.outputs[key]["seeds_reused"] == {"seeds": [0], "from": f"smoke/{notebook}"}
    assert trained == [reader.cache_key(*seeded.build(replace(settings, **{seeded.field: (2,)}), "cpu"))[0]]
    assert not list((results_tmp / ".checkpoints").glob("*/*"))  # nothing left for a later run to resume
    fresh = Run(notebook, custom, device="cpu", force=True).compute_seeds(key, seeded, settings, "cpu")
    assert json.dumps(joined) == json.dumps(fresh)


def test_a_sweep_with_dropout_computes_every_seed_afresh(results_tmp):
    """Dropout draws its masks for the whole stack from one generator, so its members depend
    on the seeds beside them: a reader's run with more seeds reuses none."""
    seeded = m1.double_descent_analysis.ablation_seeded("dropout")
    record = Run("double_descent_dropout", "smoke", device="cpu")
    record.compute_seeds("sweep", seeded, record.settings.dd_ablations, "cpu")
    record.save()
    custom = m1.profiles.customised("smoke", "dd_ablations", seeds=[2, 0], notebook="double_descent_dropout")
    reader = Run("double_descent_dropout", custom, device="cpu")
    reader.compute_seeds("sweep", seeded, custom.dd_ablations, "cpu")
    assert "seeds_reused" not in reader.outputs["sweep"]
    assert m1.seeds.member_seeds(reader.outputs["sweep"]["config"]) == [2, 0]


def test_the_book_of_record_leaves_results_stored_before_a_profile_change_as_they_are(results_tmp):
    """The profile gains seeds after pooling was stored: rendering the record shows the stored
    result, says what changed, and does not rewrite the file (nor claim the new seeds in it)."""
    import dataclasses

    smoke = m1.profiles.get_profile("smoke")
    stored = Run("pooling", smoke, device="cpu")
    value = stored.compute_seeds("chapter", m1.pooling_analysis.CHAPTER, smoke.pooling, "cpu")
    stored.record("pooling/gap_low_data", [1.0, 2.0])
    stored.save()
    before = stored.path.read_bytes()
    more = dataclasses.replace(smoke, pooling=dataclasses.replace(smoke.pooling, seeds=(0, 1, 2)))
    book = Run("pooling", more, device="cpu", stored_only=True)
    assert book.compute_seeds("chapter", m1.pooling_analysis.CHAPTER, more.pooling, "cpu") == value
    assert book.stale == {"chapter": "settings `seeds`"}
    book.record("pooling/gap_low_data", [1.0, 2.0])
    book.save()
    assert book.path.read_bytes() == before
    book.record("pooling/gap_high_data", [0.5, 0.5])  # a new measurement: the file is written ...
    book.save()
    assert json.loads(book.path.read_text())["config"]["pooling"]["seeds"] == [0, 1]  # ... under its old config


@pytest.mark.parametrize("profile", ["paper", "full"])
def test_every_committed_result_of_record_matches_the_code_it_reached(profile):
    """A library edit that changes what a stored output of ``results/paper/`` (or of ``full``,
    the book's second column) reached makes that output stale: ``make book`` still shows it,
    with a note, but ``make record`` would recompute it (hours). An edit that re-keys the record
    must come with its recompute; this fails on one that does so by accident (a default
    argument added to a shared config builder once re-keyed the activation chapter's 2.6
    CPU-hours)."""
    stale = {name: m1.results.changed_outputs(doc) for name, doc in m1.results.load_results(profile).items()}
    assert {name: outputs for name, outputs in stale.items() if outputs} == {}


def test_outputs_name_the_commit_the_run_started_at_not_one_made_while_it_ran(results_tmp, monkeypatch):
    """A four-hour record run stores its last output after later commits: it names the commit
    whose code it loaded."""
    monkeypatch.setattr(m1.results, "git_commit", lambda: "started")
    run = Run("demo", profile="smoke", device="cpu")
    monkeypatch.setattr(m1.results, "git_commit", lambda: "later")
    run.compute("a", {"a": 1}, lambda: 1.0)
    run.save()
    doc = json.loads(run.path.read_text())
    assert doc["outputs"]["a"]["git_commit"] == doc["provenance"]["git_commit"] == "started"
