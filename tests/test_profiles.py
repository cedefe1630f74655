import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mnist1d_lib as m1

ROOT = Path(__file__).resolve().parents[1]


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown profile 'fast'.*full, paper, quick, smoke"):
        m1.profiles.get_profile("fast")


def test_paper_profile_holds_the_authors_settings_with_three_seeds_or_more():
    paper = m1.profiles.get_profile("paper")
    dd = paper.double_descent
    assert (dd.epochs, dd.cnn_epochs, max(dd.mlp_widths), max(dd.cnn_channels)) == (500, 500, 300, 100)
    assert dd.mlp_widths == m1.profiles.PAPER_MLP_WIDTHS and dd.cnn_channels == m1.profiles.PAPER_CNN_CHANNELS
    assert paper.metalearn_afunc.outer_steps == paper.metalearn_afunc.ablation_outer_steps == 301
    assert len(paper.metalearn_afunc.meta_seeds) >= 3
    assert paper.lottery.rounds == tuple(range(100)) and paper.lottery.round_steps == 1501
    assert paper.lottery.asymptote_steps == 6000 and paper.lottery.ablation_steps == 1501
    assert (paper.ssl.epochs, paper.ssl.eval_every, paper.ssl.head_epochs) == (200, 10, 200)
    assert paper.pooling.steps == 6000 and paper.pooling.fresh_data
    assert paper.dd_ablations.epochs == 500 and paper.dd_ablations.dropout_report_base
    for section, field in m1.profiles.SEED_FIELDS.items():
        if section != "dataset":
            assert len(getattr(getattr(paper, section), field)) >= 3, section


@pytest.mark.parametrize("name", ["smoke", "quick", "full", "paper"])
def test_profiles_are_consistent(name):
    profile = m1.profiles.get_profile(name)
    assert profile.name == name
    m1.classification.train_config(profile.classification)  # valid schedule
    assert len(set(profile.classification.seeds)) == len(profile.classification.seeds) >= 2


def test_seeds_and_overrides_make_a_profile_stored_apart():
    custom = m1.profiles.customised("paper", "double_descent", seeds="0-4", overrides={"epochs": 300})
    assert custom.double_descent.seeds == (0, 1, 2, 3, 4) and custom.double_descent.epochs == 300
    assert custom.base == "paper" and custom.folder.startswith("runs/paper-")
    assert m1.profiles.customised("paper", "double_descent", seeds=[0, 1, 2]) is m1.profiles.get_profile("paper")
    assert m1.profiles.customised("quick", "pooling", overrides="steps=30 sizes=[200,500]").pooling.sizes == (200, 500)
    assert m1.profiles.parse_seeds("0,3, 5-6") == (0, 3, 5, 6)


@pytest.mark.parametrize("seeds, overrides, message", [
    (None, {"epoch": 3}, r"unknown setting\(s\) \['epoch'\] for double_descent: valid are cnn_channels"),
    (None, {"label_noise": 1.5}, r"label_noise=1.5 is out of range: allowed \[0, 1\]"),
    (None, {"epochs": -1}, r"epochs=-1 is out of range: allowed >= 1"),
    (None, {"epochs": 2.5}, r"epochs=2.5: expected an integer"),
    (None, {"mlp_widths": [8, 0]}, r"mlp_widths=0 is out of range"),
    (None, {"mlp_widths": []}, r"mlp_widths=\[\]: expected a non-empty list"),
    ([], None, r"seeds must not be empty"),
    ("a-b", None, r"seeds='a-b': write a list of ints"),
    ([1, 1], None, r"repeat a seed"),
    ([-1], None, r"not a seed"),
])
def test_bad_seeds_or_settings_are_refused_before_anything_runs(seeds, overrides, message):
    with pytest.raises(ValueError, match=message):
        m1.profiles.customised("paper", "double_descent", seeds=seeds, overrides=overrides)


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.notebooks
@pytest.mark.parametrize("how", ["cli", "papermill"])
def test_a_run_with_overrides_is_stored_apart_and_leaves_the_record_alone(tmp_path, how):
    results = tmp_path / "results"
    named = results / "smoke"
    named.mkdir(parents=True)
    (named / "metalearn_lr.json").write_text('{"stand-in": "a stored result"}\n')
    before = _digests(named)
    env = dict(os.environ, MNIST1D_RESULTS=str(results), OMP_NUM_THREADS="1")
    if how == "cli":
        cmd = [sys.executable, "-m", "mnist1d_lib", "run", "metalearn_lr", "--profile", "smoke", "--seeds", "0-2",
               "--set", "outer_steps=3", "--device", "cpu"]
    else:
        cmd = [sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "metalearn_lr.ipynb"),
               str(tmp_path / "out.ipynb"), "--cwd", str(ROOT / "notebooks"), "-k", "python3",
               "-p", "profile", "smoke", "-p", "device", "cpu", "-p", "seeds", "0-2", "-p", "overrides", "outer_steps=3"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (run,) = (results / "runs").iterdir()
    doc = json.loads((run / "metalearn_lr.json").read_text())
    assert doc["base_profile"] == "smoke" and doc["complete"]
    assert doc["config"]["metalearn_lr"]["seeds"] == [0, 1, 2] and doc["config"]["metalearn_lr"]["outer_steps"] == 3
    assert _digests(named) == before


def test_the_cli_refuses_an_unknown_setting_before_running():
    done = subprocess.run([sys.executable, "-m", "mnist1d_lib", "run", "pooling", "--set", "stepz=3"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "unknown setting(s) ['stepz'] for pooling: valid are" in done.stderr


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.py")), ids=lambda p: p.stem)
def test_each_notebooks_parameters_cell_shows_settings_it_accepts(path):
    """The example in a notebook's ``overrides`` comment (what a Colab reader copies) names
    settings of that notebook's own section, with valid values."""
    import ast
    import re

    source = path.read_text()
    example = re.search(r"^overrides = \{\}\s*# .*?e\.g\. (\{.*?\})", source, re.M)
    section = re.search(r'm1\.notebook\.start\("[a-z_]+", "([a-z_]+)"', source)
    assert example and section, "no overrides example or no m1.notebook.start call"
    m1.profiles.customised("paper", section[1], seeds="0-4", overrides=ast.literal_eval(example[1]),
                           notebook=path.stem)


def test_the_activation_chapters_seeds_are_its_metalearning_runs_and_its_ablations_the_retraining():
    """``--seeds`` of the activation chapter adds metalearning runs (each stored on its own, so
    the record's are reused); of its ablations, the retraining seeds."""
    chapter = m1.profiles.customised("smoke", "metalearn_afunc", seeds="0-3", notebook="metalearn_afunc")
    ablation = m1.profiles.customised("smoke", "metalearn_afunc", seeds="0-3", notebook="metalearn_afunc_mu")
    smoke = m1.profiles.get_profile("smoke").metalearn_afunc
    assert (chapter.metalearn_afunc.meta_seeds, chapter.metalearn_afunc.fresh_seeds) == ((0, 1, 2, 3), smoke.fresh_seeds)
    assert (ablation.metalearn_afunc.fresh_seeds, ablation.metalearn_afunc.meta_seeds) == ((0, 1, 2, 3), smoke.meta_seeds)
