"""The metalearning chapters and their ablations: which members run together
(``metalearn_lr``, ``metalearn_afunc``), the divergence bound on the meta-loss, and
how results are read into the scorecard (``metalearn_analysis``, ``scorecard``).

The analysis is tested on hand-made run summaries with the keys the trainers
return; the only training here is a few outer steps on a tiny slice of the data.
"""
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mnist1d_lib import metalearn_afunc, metalearn_analysis as ma, metalearn_lr
from mnist1d_lib.metalearn import (
    ACTIVATION_CONFIG, ACTIVATIONS, MEMBER_FIELDS, MetalearnConfig, Stack, inner_learned_lr, metalearn,
)
from mnist1d_lib.profiles import get_profile
from mnist1d_lib.results import to_jsonable
from mnist1d_lib.scorecard import CLAIMS_BY_ID, scorecard_rows

from .conftest import small

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PROFILES = ("smoke", "full")
LR_KEYS = {"start_lr", "hidden", "outer_lr", "seed", "lr", "meta_loss", "final_inner_loss", "test_acc", "final_lr",
           "diverged", "diverged_at"}


pytestmark = pytest.mark.usefixtures("one_thread")


def _shared_fields_equal(config: MetalearnConfig, want: MetalearnConfig, but=()) -> None:
    for f in fields(MetalearnConfig):
        if f.name not in but:
            assert getattr(config, f.name) == getattr(want, f.name), f.name


# --- which members run together: learning rate -----------------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_lr_chapter_runs_both_starts_for_every_seed_at_the_authors_settings(profile):
    settings = get_profile(profile).metalearn_lr
    configs = metalearn_lr.chapter_configs(settings)
    assert len(configs) == len(settings.starts) * len(settings.seeds)
    assert [(c.inner_lr, c.seed) for c in configs] == [(s, seed) for s in settings.starts for seed in settings.seeds]
    assert settings.starts == (0.15, 1.5)  # the paper's too-low and too-high starts, in every profile
    for c in configs:  # the authors' notebook: 40-50-10 tanh, SGD, batch 50, outer lr 0.3; the profile's schedule
        assert (c.sizes, c.activation, c.optimizer, c.batch_size, c.outer_lr) == ((40, 50, 10), "tanh", "sgd", 50, 0.3)
        assert (c.inner_steps, c.outer_steps) == (settings.inner_steps, settings.outer_steps)
        _shared_fields_equal(c, metalearn_lr.BASE, but=("inner_lr", "seed", "inner_steps", "outer_steps"))
    assert len(Stack(configs)) == len(configs)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("ablation", sorted(metalearn_lr.ABLATIONS))
def test_lr_ablation_members_are_every_value_times_every_seed(profile, ablation):
    settings = get_profile(profile).metalearn_lr
    field, _, values_field, steps_field = metalearn_lr.ABLATIONS[ablation]
    values = getattr(settings, values_field)
    configs = metalearn_lr.ablation_configs(settings, ablation)
    assert len(configs) == len(values) * len(settings.seeds)
    want_values = [(40, h, 10) for h in values] if field == "sizes" else list(values)
    assert [(getattr(c, field), c.seed) for c in configs] == [(v, s) for v in want_values for s in settings.seeds]
    # only the ablated field and the seed vary; everything else is the chapter's
    for name in {f.name for f in fields(MetalearnConfig)} - {field, "seed"}:
        assert len({getattr(c, name) for c in configs}) == 1, name
    first = configs[0]
    assert first.inner_steps == settings.inner_steps
    assert first.outer_steps == getattr(settings, steps_field)
    if ablation == "meta_lr":  # small meta learning rates get their own, longer schedule
        assert first.outer_steps == settings.meta_lr_outer_steps
    else:
        assert first.outer_steps == settings.outer_steps
    if ablation != "init":  # the learned rate starts at the paper's low start
        assert first.inner_lr == settings.starts[0] == 0.15
    else:
        assert sorted({c.inner_lr for c in configs}) == sorted(settings.init_lrs)
    if ablation != "hidden":
        assert first.sizes == (40, 50, 10)
    stack = Stack(configs)  # one stack for the whole ablation
    assert len(stack) == len(configs)
    assert stack.padded == (ablation == "hidden")
    if ablation == "hidden":  # widths are padded to the widest, exact for tanh without noise
        assert stack.sizes == (40, max(values), 10)
        stack.check_padding(ACTIVATIONS["tanh"])


def test_lr_ablations_vary_the_fields_they_name_and_read_from_lr_table():
    assert {name: spec[0] for name, spec in metalearn_lr.ABLATIONS.items()} == {
        "init": "inner_lr", "hidden": "sizes", "meta_lr": "outer_lr", "stability": "outer_lr"}
    for name, (field, _, values_field, steps_field) in metalearn_lr.ABLATIONS.items():
        assert field in MEMBER_FIELDS
        settings = get_profile("full").metalearn_lr
        assert hasattr(settings, values_field) and hasattr(settings, steps_field)
        assert ma.lr_setting(name) in ma.lr_table([_lr_run()]).columns


# --- which members run together: activation -------------------------------------------------------------------------

@pytest.mark.parametrize("profile", ("smoke", "quick", "full"))
def test_afunc_base_config_is_the_papers_with_the_profiles_schedule(profile):
    settings = get_profile(profile).metalearn_afunc
    config = metalearn_afunc.base_config(settings)
    assert config.sizes == (40, settings.hidden, 10)
    assert (config.inner_steps, config.meta_loss_last, config.outer_steps) == (
        settings.inner_steps, settings.meta_loss_last, settings.outer_steps)
    # RMSprop lr 0.01 mu 0.4, batch 100, hidden noise 0.1, outer lr 0.3, meta-gradients clamped to 0.1
    assert (config.optimizer, config.inner_lr, config.mu, config.batch_size, config.hidden_noise, config.outer_lr,
            config.grad_clamp) == ("rmsprop", 1e-2, 0.4, 100, 0.1, 0.3, 0.1)
    _shared_fields_equal(config, ACTIVATION_CONFIG,
                         but=("sizes", "inner_steps", "meta_loss_last", "outer_steps", "checkpoint_every"))
    assert metalearn_afunc.base_config(settings, outer_steps=3).outer_steps == 3
    assert metalearn_afunc.base_config(settings, hidden=7).sizes == (40, 7, 10)


@pytest.mark.parametrize("profile", ("smoke", "quick", "full"))
def test_afunc_checkpointing_is_on_exactly_above_the_threshold(profile):
    settings = get_profile(profile).metalearn_afunc
    above = settings.checkpoint_above
    for hidden, members in [(above, 1), (above + 1, 1), (1, above), (1, above + 1), (above // 2, 2),
                            (above // 2 + 1, 2)]:
        config = metalearn_afunc.base_config(settings, hidden=hidden, members=members)
        want = settings.checkpoint_every if hidden * members > above else None
        assert config.checkpoint_every == want, (hidden, members)
    if profile == "full":  # the chapter's one 128-unit member fits without checkpoints; 129 does not
        assert metalearn_afunc.base_config(settings).checkpoint_every is None
        assert metalearn_afunc.base_config(settings, hidden=129).checkpoint_every == 20
    hidden = {c.sizes[1]: c.checkpoint_every for [c] in metalearn_afunc.ablation_configs(settings, "hidden")}
    assert hidden == {h: settings.checkpoint_every if h > settings.hidden_checkpoint_above else None
                      for h in settings.hidden_sizes}
    if profile == "smoke":  # the smoke chapter does exercise checkpointing (16 units > 8)
        assert metalearn_afunc.base_config(settings).checkpoint_every == settings.checkpoint_every


@pytest.mark.parametrize("profile", ("smoke", "quick", "full"))
@pytest.mark.parametrize("ablation", sorted(metalearn_afunc.ABLATIONS))
def test_afunc_ablation_on_cpu_runs_every_member_as_its_own_stack(profile, ablation):
    settings = get_profile(profile).metalearn_afunc
    field, _, values_field = metalearn_afunc.ABLATIONS[ablation]
    values = getattr(settings, values_field)
    stacks = metalearn_afunc.ablation_configs(settings, ablation, "cpu")
    assert [len(s) for s in stacks] == [1] * len(values)
    configs = [s[0] for s in stacks]
    if ablation == "hidden":
        assert [c.sizes for c in configs] == [(40, h, 10) for h in values]
        assert all(c.outer_steps == settings.hidden_outer_steps for c in configs)
    else:
        assert [getattr(c, field) for c in configs] == list(values)
        assert all(c.outer_steps == settings.ablation_outer_steps for c in configs)
        assert all(c.sizes == (40, settings.hidden, 10) for c in configs)
    above = settings.hidden_checkpoint_above if ablation == "hidden" else settings.checkpoint_above
    for c in configs:  # one member per stack: checkpointing is decided by its own width
        assert c.seed == 0
        assert c.checkpoint_every == (settings.checkpoint_every if c.sizes[1] > above else None)
        want = metalearn_afunc.base_config(settings, c.outer_steps, hidden=c.sizes[1])
        _shared_fields_equal(c, want, but=(field, "checkpoint_every"))
        Stack([c])
    if ablation != "noise":  # the paper's noise is kept where it is not the ablated setting
        assert all(c.hidden_noise == 0.1 for c in configs)
    if ablation != "mu":
        assert all(c.mu == 0.4 for c in configs)


def test_afunc_ablations_name_member_fields_and_settings():
    assert set(metalearn_afunc.ABLATIONS) == {"mu", "hidden", "noise"}
    settings = get_profile("full").metalearn_afunc
    for name, (field, _, values_field) in metalearn_afunc.ABLATIONS.items():
        assert field in MEMBER_FIELDS and hasattr(settings, values_field)
        assert ma.afunc_setting(name) in {"mu", "hidden", "hidden_noise"}
    assert 1.0 in settings.mus and 0.0 in settings.noise_levels  # the measurements compare against these


# --- the divergence bound on the meta-loss ---------------------------------------------------------------------------

LR_TINY = dict(inner_steps=10, inner_lr=0.15)


def _first_meta_loss(part, config):
    (history,) = metalearn([np.array([config.inner_lr])], inner_learned_lr, part, replace(config, outer_steps=1),
                           progress=False)
    assert not history["diverged"]
    return float(history["meta_loss"][0])


def test_a_meta_loss_above_the_bound_is_diverged_at_that_step(data):
    part = small(data, 200, 50)
    config = MetalearnConfig(**LR_TINY, outer_steps=3)
    first = _first_meta_loss(part, config)
    assert 1.0 < first < 3.0  # near chance (ln 10 = 2.3): finite and far below the default bound
    (history,) = metalearn([np.array([0.15])], inner_learned_lr, part, replace(config, max_meta_loss=0.999 * first),
                           progress=False)
    assert history["diverged"] and history["diverged_at"] == 0
    assert history["step"].shape == (0,) and history["meta_loss"].shape == (0,)
    assert history["test_acc"].shape == (0,) and history["inner_losses"].shape == (0, 10)
    assert history["meta_params"][0].shape == (0,)
    assert float(history["final_meta_params"][0]) == pytest.approx(0.15)  # never updated
    # a meta-loss equal to the bound is not above it
    (at_bound,) = metalearn([np.array([0.15])], inner_learned_lr, part,
                            replace(config, outer_steps=1, max_meta_loss=first), progress=False)
    assert not at_bound["diverged"] and at_bound["meta_loss"][0] == first


def test_the_bound_acts_on_each_member_alone(data):
    part = small(data, 200, 50)
    configs = [MetalearnConfig(**LR_TINY, outer_steps=1, seed=s) for s in (0, 1)]
    losses = [_first_meta_loss(part, c) for c in configs]
    assert losses[0] != losses[1]
    bound = float(np.mean(losses))
    histories = metalearn([np.array([0.15, 0.15])], inner_learned_lr, part,
                          [replace(c, max_meta_loss=bound) for c in configs], progress=False)
    high, low = int(np.argmax(losses)), int(np.argmin(losses))
    assert histories[high]["diverged"] and histories[high]["diverged_at"] == 0
    assert not histories[low]["diverged"] and histories[low]["meta_loss"][0] == pytest.approx(losses[low])


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), -float("inf")])
def test_a_bad_max_meta_loss_is_an_error(bad):
    with pytest.raises(ValueError, match="max_meta_loss"):
        MetalearnConfig(max_meta_loss=bad)


def test_the_default_bound_is_far_above_chance():
    assert MetalearnConfig().max_meta_loss == 100.0 > 10 * np.log(10)
    # the stability claim counts as divergence exactly what the default bound does
    assert "meta-loss above 100 nats" in CLAIMS_BY_ID["metalearn_lr_stability/largest_stable_meta_lr"].description
    assert all(c.max_meta_loss == 100.0 for c in metalearn_lr.ablation_configs(get_profile("full").metalearn_lr,
                                                                               "stability"))
    assert MetalearnConfig(max_meta_loss=1e-3).max_meta_loss == 1e-3


def test_a_too_large_meta_learning_rate_diverges_through_the_bound(data):
    """Outer lr 50 throws the learned rate to ~50 after one step: the tanh net's
    weights blow up and its meta-loss, though finite, is absurd. The bound reports
    the run as diverged; without it the run goes on to an absurd learning rate (negative
    with torch 2.13 on this CPU, hundreds of millions with torch 2.11 on the GPU machine:
    past the blow-up the trajectory is chaotic, only its absurdity is reproducible)."""
    part = small(data, 200, 50)
    base = replace(metalearn_lr.BASE, **LR_TINY, outer_steps=4, outer_lr=50.0)
    (run,) = metalearn_lr.learn([base], part, "cpu")
    assert set(run) == LR_KEYS
    assert run["diverged"] and run["diverged_at"] >= 1
    assert len(run["lr"]) == len(run["meta_loss"]) == len(run["test_acc"]) == run["diverged_at"]
    for curve in (run["lr"], run["meta_loss"], run["final_inner_loss"], run["test_acc"]):
        assert np.isfinite(curve).all()
    assert (run["meta_loss"] <= base.max_meta_loss).all()
    assert np.isfinite(run["final_lr"]) and run["final_lr"] > 10  # the last finite update, far from any good rate
    row = ma.lr_table([run]).iloc[0]
    assert np.isnan(row["final_lr"]) and row["diverged"] and row["diverged_at"] == run["diverged_at"]
    assert row["meta_loss"] == run["meta_loss"][-1]
    # unbounded, the same run is "stable" with a meta-loss of thousands of nats and a learned rate below zero
    (unbounded,) = metalearn_lr.learn([replace(base, max_meta_loss=1e30)], part, "cpu")
    assert unbounded["meta_loss"][:len(run["meta_loss"])] == pytest.approx(run["meta_loss"])
    assert unbounded["meta_loss"].max() > base.max_meta_loss
    assert unbounded["diverged"] or not 0 < unbounded["final_lr"] < 10


# --- reading learning-rate runs --------------------------------------------------------------------------------------

def _lr_run(start_lr=0.15, hidden=50, outer_lr=0.3, seed=0, final_lr=0.6, steps=5, diverged_at=None, lr=None):
    """A run summary with ``metalearn_lr.learn``'s keys; a diverged run's curves stop at ``diverged_at``."""
    n = steps if diverged_at is None else diverged_at
    lr = np.linspace(start_lr, final_lr, n) if lr is None else np.asarray(lr, dtype=float)
    return {"start_lr": start_lr, "hidden": hidden, "outer_lr": outer_lr, "seed": seed, "lr": lr,
            "meta_loss": np.linspace(2.3, 1.5, n) + seed, "final_inner_loss": np.linspace(2.2, 1.2, n),
            "test_acc": np.linspace(20.0, 60.0, n) + hidden / 10, "final_lr": float(final_lr),
            "diverged": diverged_at is not None, "diverged_at": diverged_at}


def test_lr_table_has_one_row_per_member_and_hides_diverged_rates():
    runs = [_lr_run(seed=0, final_lr=0.61), _lr_run(seed=1, final_lr=55.0, diverged_at=3),
            _lr_run(seed=2, final_lr=1e20, diverged_at=0)]
    table = ma.lr_table(runs)
    assert list(table.columns) == ["start_lr", "hidden", "outer_lr", "seed", "final_lr", "meta_loss", "test_acc",
                                   "diverged", "diverged_at"]
    assert table["seed"].tolist() == [0, 1, 2]
    assert table.loc[0, "final_lr"] == 0.61 and np.isnan(table.loc[1, "final_lr"]) and np.isnan(table.loc[2, "final_lr"])
    assert table.loc[0, "meta_loss"] == pytest.approx(1.5) and table.loc[0, "test_acc"] == pytest.approx(65.0)
    assert table.loc[1, "meta_loss"] == runs[1]["meta_loss"][-1]  # the last completed step
    assert np.isnan(table.loc[2, "meta_loss"]) and np.isnan(table.loc[2, "test_acc"])  # nothing completed
    assert table["diverged"].tolist() == [False, True, True]
    assert table.loc[1, "diverged_at"] == 3 and table.loc[2, "diverged_at"] == 0


def test_curves_leave_out_diverged_members_and_group_by_the_setting_sorted():
    runs = [_lr_run(hidden=50, seed=0, final_lr=0.6), _lr_run(hidden=10, seed=0, final_lr=0.4),
            _lr_run(hidden=50, seed=1, final_lr=0.7), _lr_run(hidden=10, seed=1, diverged_at=2),
            _lr_run(hidden=200, seed=0, diverged_at=1)]
    got = ma.curves(runs, "lr", "hidden")
    assert list(got) == [10, 50]  # sorted; 200 has no stable member
    assert got[10].shape == (1, 5) and got[50].shape == (2, 5)
    np.testing.assert_array_equal(got[10][0], runs[1]["lr"])
    np.testing.assert_array_equal(got[50], np.stack([runs[0]["lr"], runs[2]["lr"]]))
    acc = ma.curves(runs, "test_acc", "seed")
    assert list(acc) == [0, 1] and acc[0].shape == (2, 5) and acc[1].shape == (1, 5)


def test_grid_summary_averages_the_unrolls_of_each_learning_rate():
    grid = {"lr": [0.5, 0.1, 0.5, 0.1, 1.0, 1.0], "unroll": [0, 0, 1, 1, 0, 1],
            "objective": np.array([1.0, 2.0, 1.4, 2.2, 3.0, 3.0])}
    table = ma.grid_summary(grid)
    assert list(table.columns) == ["lr", "objective_mean", "objective_std"]
    assert table["lr"].tolist() == [0.1, 0.5, 1.0]
    np.testing.assert_allclose(table["objective_mean"], [2.1, 1.2, 3.0])
    np.testing.assert_allclose(table["objective_std"], [np.sqrt(0.02), np.sqrt(0.08), 0.0])  # over unrolls, ddof 1


GRID = {"lr": [0.3, 0.6, 1.0] * 2, "unroll": [0, 0, 0, 1, 1, 1], "objective": np.array([2.0, 1.0, 1.5, 2.1, 1.1, 1.4])}


def test_lr_chapter_measurements_per_seed():
    runs = [_lr_run(start_lr=0.15, seed=0, final_lr=0.60), _lr_run(start_lr=1.5, seed=0, final_lr=0.64),
            _lr_run(start_lr=0.15, seed=1, final_lr=0.40), _lr_run(start_lr=1.5, seed=1, final_lr=0.50),
            _lr_run(start_lr=0.15, seed=2, final_lr=0.70), _lr_run(start_lr=1.5, seed=2, final_lr=0.74)]
    got = ma.lr_chapter_measurements(runs[::-1], GRID)  # the order of the runs does not matter
    assert set(got) == {"metalearn_lr/converged_lr", "metalearn_lr/starts_agree", "metalearn_lr/grid_minimum_agrees"}
    np.testing.assert_allclose(got["metalearn_lr/converged_lr"], [0.62, 0.45, 0.72])
    # spreads 0.04, 0.10, 0.04 against 10 % of the means 0.062, 0.045, 0.072
    assert got["metalearn_lr/starts_agree"] == [True, False, True]
    # grid minimum 0.6: ratios 1.03, 1.33 and 1.2 against 1.25
    assert got["metalearn_lr/grid_minimum_agrees"] == [True, False, True]
    far_grid = dict(GRID, objective=np.array([2.0, 1.5, 1.0, 2.1, 1.4, 1.1]))  # minimum at 1.0
    assert ma.lr_chapter_measurements(runs, far_grid)["metalearn_lr/grid_minimum_agrees"] == [False, False, False]


def test_a_diverged_start_neither_agrees_nor_matches_the_grid():
    runs = [_lr_run(start_lr=0.15, seed=0, final_lr=0.6), _lr_run(start_lr=1.5, seed=0, final_lr=0.6, diverged_at=2)]
    got = ma.lr_chapter_measurements(runs, GRID)
    assert np.isnan(got["metalearn_lr/converged_lr"][0])
    assert got["metalearn_lr/starts_agree"] == [False] and got["metalearn_lr/grid_minimum_agrees"] == [False]


def test_has_saturated_compares_the_last_two_blocks():
    rng = np.random.default_rng(0)
    assert ma.SATURATION_BLOCK == 10
    assert ma.has_saturated(0.6 + 0.01 * rng.standard_normal(40))  # flat, noisy
    assert ma.has_saturated(np.tile([0.5, 0.7], 15))  # single steps wiggle by 30 %, the block means do not
    assert not ma.has_saturated(np.linspace(0.15, 0.6, 40))  # still rising steadily
    assert not ma.has_saturated(np.full(19, 0.6))  # too short for two blocks
    assert ma.has_saturated(np.full(20, 0.6))
    rising = np.concatenate([np.full(10, 0.6), np.full(10, 0.6 * 1.06)])  # blocks 6 % apart
    assert not ma.has_saturated(rising)
    assert ma.has_saturated(np.concatenate([np.full(10, 0.6), np.full(10, 0.6 * 1.04)]))


def _stability_runs():
    grid = (0.1, 0.3, 0.35, 0.5, 1.0)
    diverged = {0: {0.5, 1.0},  # 0.35 is the largest stable rate
                1: {0.3, 1.0},  # 0.35 is stable again, but 0.3 already blew up
                2: set(grid),  # even the smallest diverged
                3: set()}  # all stable
    runs = [_lr_run(outer_lr=lr, seed=seed, diverged_at=2 if lr in bad else None)
            for seed, bad in diverged.items() for lr in grid]
    return runs[::-1]  # reversed: the measurement must sort by meta learning rate itself


def test_largest_stable_is_the_rate_below_the_first_diverged_one():
    assert ma.largest_stable(ma.lr_table(_stability_runs())) == [0.35, 0.1, None, 1.0]


def test_lr_ablation_measurements_stability():
    got = ma.lr_ablation_measurements("stability", _stability_runs())
    assert got == {"metalearn_lr_stability/largest_stable_meta_lr": [0.35, 0.1, None, 1.0]}


def test_lr_ablation_measurements_init_count_a_diverged_start_as_a_failure():
    runs = [_lr_run(start_lr=0.05, seed=0, final_lr=0.60), _lr_run(start_lr=0.15, seed=0, final_lr=0.61),
            _lr_run(start_lr=1.5, seed=0, final_lr=0.63), _lr_run(start_lr=2.5, seed=0, final_lr=9.0, diverged_at=1),
            _lr_run(start_lr=0.05, seed=1, final_lr=0.40), _lr_run(start_lr=0.15, seed=1, final_lr=0.60),
            _lr_run(start_lr=0.05, seed=2, final_lr=0.60), _lr_run(start_lr=2.5, seed=2, final_lr=0.6, diverged_at=3)]
    got = ma.lr_ablation_measurements("init", runs)
    # seed 0: 0.60-0.63 agree, but 2.5 diverged; seed 1: 0.4 vs 0.6; seed 2: one stable start only
    assert got == {"metalearn_lr_init/starts_converge": [False, False, False],
                   "metalearn_lr_init/stable_starts_agree": [True, False, False]}


def test_lr_ablation_measurements_hidden_need_every_width_to_saturate():
    flat, rising = np.full(30, 0.6), np.linspace(0.15, 0.6, 30)
    runs = [_lr_run(hidden=10, seed=0, lr=flat), _lr_run(hidden=50, seed=0, lr=flat + 0.1),
            _lr_run(hidden=10, seed=1, lr=flat), _lr_run(hidden=50, seed=1, lr=rising)]
    assert ma.lr_ablation_measurements("hidden", runs) == {"metalearn_lr_hidden/saturates": [True, False]}


def test_lr_ablation_measurements_meta_lr_is_the_smallest_move_over_the_largest():
    runs = [_lr_run(outer_lr=0.3, seed=0, final_lr=0.65), _lr_run(outer_lr=0.01, seed=0, final_lr=0.25),
            _lr_run(outer_lr=0.1, seed=0, final_lr=0.55),
            _lr_run(outer_lr=0.01, seed=1, final_lr=0.55), _lr_run(outer_lr=0.3, seed=1, final_lr=0.55)]
    got = ma.lr_ablation_measurements("meta_lr", runs)
    assert list(got) == ["metalearn_lr_meta_lr/smallest_moves"]
    np.testing.assert_allclose(got["metalearn_lr_meta_lr/smallest_moves"], [0.1 / 0.5, 1.0])


def test_lr_ablation_measurements_cover_every_ablation():
    runs = _stability_runs()
    for ablation in metalearn_lr.ABLATIONS:
        got = ma.lr_ablation_measurements(ablation, runs)
        assert 1 <= len(got) <= 2
        for claim_id in got:
            assert claim_id.startswith(f"metalearn_lr_{ablation}/")
            assert len(got[claim_id]) == 4  # one value per seed


def test_divergence_table_counts_runs_and_steps_per_setting():
    runs = [_lr_run(outer_lr=0.1, seed=0, final_lr=0.6), _lr_run(outer_lr=0.1, seed=1, final_lr=0.64),
            _lr_run(outer_lr=0.3, seed=0, final_lr=0.7), _lr_run(outer_lr=0.3, seed=1, diverged_at=4),
            _lr_run(outer_lr=1.0, seed=0, diverged_at=1), _lr_run(outer_lr=1.0, seed=1, diverged_at=0)]
    table = ma.divergence_table(ma.lr_table(runs), "outer_lr")
    assert table.index.tolist() == [0.1, 0.3, 1.0]
    assert list(table.columns) == ["runs", "diverged", "diverged at outer step", "final lr (stable runs)"]
    assert table["runs"].tolist() == [2, 2, 2]
    assert table["diverged"].tolist() == [0, 1, 2]
    assert table["diverged at outer step"].tolist() == ["-", "4", "1, 0"]
    final = table["final lr (stable runs)"].to_numpy(dtype=float)
    np.testing.assert_allclose(final[:2], [0.62, 0.7])
    assert np.isnan(final[2])


# --- reading activation runs -----------------------------------------------------------------------------------------

X = metalearn_afunc.CURVE_X
DIP = -np.exp(-X**2)  # flat, one dip at 0, flat again
ELU = np.where(X > 0, X, np.expm1(X))


def test_accuracy_table_is_sorted_best_first():
    table = ma.accuracy_table({"relu": [60.0, 61.0, 62.0], "learned": [70.0, 72.0, 68.0], "elu": [65.0, 65.0, 65.0]})
    assert table.index.tolist() == ["learned", "elu", "relu"]
    assert list(table.columns) == ["mean", "std", "min", "max"]
    np.testing.assert_allclose(table.loc["learned"], [70.0, 2.0, 68.0, 72.0])  # std over seeds, ddof 1
    np.testing.assert_allclose(table.loc["elu"], [65.0, 0.0, 65.0, 65.0])


def _afunc_result(final_curve):
    return {"run": {"final_curve": final_curve},
            "accuracy": {"learned": [70.0, 66.0, 68.0], "piecewise fit": [69.0, 65.0, 60.0],
                         "relu": [60.0, 62.0, 63.0], "elu": [63.0, 61.0, 59.0], "swish": [58.0, 64.0, 62.0],
                         "tanh": [90.0, 90.0, 90.0]}}  # not one of the paper's comparisons


def test_afunc_chapter_measurements_gain_over_the_best_of_relu_elu_swish():
    got = ma.afunc_chapter_measurements([_afunc_result(DIP)])
    assert got["metalearn_afunc/gain_over_relu_elu_swish"] == [7.0, 2.0, 5.0]  # against 63, 64, 63
    assert ma.PAPER_GAIN == 5.0
    assert got["metalearn_afunc/beats_relu_elu_swish"] == [True, False, False]  # exactly 5 is not "more than 5"
    assert got["metalearn_afunc/learned_acc"] == [70.0, 66.0, 68.0]
    assert got["metalearn_afunc/piecewise_fit_acc"] == [69.0, 65.0, 60.0]
    assert got["metalearn_afunc/n_extrema"] == [1]
    assert got["metalearn_afunc/non_monotonic"] == [True]
    assert ma.curve_extrema(DIP) == [(pytest.approx(0.0, abs=1e-12), "min")]
    both = ma.afunc_chapter_measurements([_afunc_result(DIP), _afunc_result(ELU)])  # one run per meta seed
    assert both["metalearn_afunc/n_extrema"] == [1, 0]
    assert both["metalearn_afunc/learned_acc"][:3] == [70.0, 66.0, 68.0] and len(both["metalearn_afunc/learned_acc"]) == 6


def test_a_monotone_curve_has_no_extrema_even_with_small_wiggles():
    assert ma.afunc_chapter_measurements([_afunc_result(ELU)])["metalearn_afunc/n_extrema"] == [0]
    assert ma.afunc_chapter_measurements([_afunc_result(ELU)])["metalearn_afunc/non_monotonic"] == [False]
    wiggly = ELU + 0.4 * ma.EXTREMUM_RISE * np.sin(20 * X)  # turns smaller than EXTREMUM_RISE on the flat side
    assert ma.curve_extrema(wiggly) == []
    bump = ELU + 0.5 * np.exp(-(X + 3) ** 2)  # a bump on the flat side: a maximum, then a minimum
    assert [kind for _, kind in ma.curve_extrema(bump)] == ["max", "min"]


def _afunc_member(setting, value, accuracy, meta_loss=(2.0, 1.5), curve=ELU, **extra):
    return {setting: value, "meta_loss": np.asarray(meta_loss, dtype=float), "accuracy": list(accuracy),
            "final_curve": curve, "diverged": False, **extra}


def test_afunc_table_rows_and_optional_memory_columns():
    members = [_afunc_member("mu", 0.4, [64.0, 66.0], curve=DIP), _afunc_member("mu", 1.0, [30.0], meta_loss=())]
    table = ma.afunc_table(members, "mu")
    assert list(table.columns) == ["mu", "meta_loss", "test_acc_mean", "test_acc_std", "n_extrema", "diverged"]
    assert table["mu"].tolist() == [0.4, 1.0]
    assert table.loc[0, "meta_loss"] == 1.5 and np.isnan(table.loc[1, "meta_loss"])
    np.testing.assert_allclose(table["test_acc_mean"], [65.0, 30.0])
    np.testing.assert_allclose(table["test_acc_std"], [np.sqrt(2.0), 0.0])  # ddof 1; one seed: 0
    assert table["n_extrema"].tolist() == [1, 0]
    memory = dict(checkpoint_every=20, graph_mb=12.5, graph_mb_unchecked=400.0, peak_rss_mb=900.0)
    wide = [_afunc_member("hidden", 50, [60.0, 61.0], **memory), _afunc_member("hidden", 500, [65.0, 66.0], **memory)]
    table = ma.afunc_table(wide, "hidden")
    assert list(table.columns)[-4:] == list(memory)
    assert table["graph_mb"].tolist() == [12.5, 12.5]
    only_graph = [_afunc_member("hidden", 50, [60.0], graph_mb=3.0)]
    assert "graph_mb" in ma.afunc_table(only_graph, "hidden").columns
    assert "peak_rss_mb" not in ma.afunc_table(only_graph, "hidden").columns


def test_afunc_ablation_measurements_mu():
    members = [_afunc_member("mu", 1.0, [30.0, 31.0, 50.0]), _afunc_member("mu", 0.3, [64.0, 66.0, 67.0]),
               _afunc_member("mu", 0.4, [65.0, 40.0, 68.0])]
    got = ma.afunc_ablation_measurements("mu", members)
    # seed 0: 30 against 64; seed 1: 31 against 40 (not 10 points); seed 2: 50 is the worst, but by 14
    assert got["metalearn_afunc_mu/mu_1_worst"] == [True, False, True]
    assert got["metalearn_afunc_mu/mu_05_best"] == [False, False, False]  # no mu = 0.5 among these
    not_worst = [_afunc_member("mu", 1.0, [66.0, 66.0]), _afunc_member("mu", 0.5, [64.0, 67.0])]
    got = ma.afunc_ablation_measurements("mu", not_worst)
    assert got == {"metalearn_afunc_mu/mu_1_worst": [False, False], "metalearn_afunc_mu/mu_05_best": [False, True]}


def test_afunc_ablation_measurements_hidden():
    members = [_afunc_member("hidden", 200, [69.0, 55.0], graph_mb=40.0),
               _afunc_member("hidden", 50, [59.0, 65.0], graph_mb=10.0),
               _afunc_member("hidden", 500, [72.0, 50.0], graph_mb=95.0),
               _afunc_member("hidden", 100, [63.0, 60.0], graph_mb=20.0)]
    got = ma.afunc_ablation_measurements("hidden", members)
    assert got["metalearn_afunc_hidden/acc_rises_with_width"] == [True, False]  # seed 0 rises, seed 1 falls
    assert got["metalearn_afunc_hidden/graph_mb_widest"] == [95.0]  # the 500-unit member's, wherever it is listed


def test_afunc_ablation_measurements_noise():
    members = [_afunc_member("hidden_noise", 0.1, [67.4, 60.0, 66.0]),
               _afunc_member("hidden_noise", 0.0, [67.6, 66.0, 64.0])]
    assert ma.afunc_ablation_measurements("noise", members) == {"metalearn_afunc_noise/no_effect": [True, False, True]}


def test_baseline_curves_are_the_standard_activations():
    np.testing.assert_allclose(ma.baseline_curve("elu"), ELU, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ma.baseline_curve("relu"), np.maximum(X, 0.0))
    np.testing.assert_allclose(ma.baseline_curve("tanh"), np.tanh(X), rtol=1e-12)
    assert ma.baseline_curve("elu").shape == X.shape == (201,)
    assert X[0] == -5.0 and X[-1] == 5.0
    torch.testing.assert_close(torch.as_tensor(ma.baseline_curve("swish")), F.silu(torch.as_tensor(X)))


# --- claims ----------------------------------------------------------------------------------------------------------

def _all_recorded_measurements() -> dict[str, list]:
    """Every measurement ``metalearn_analysis`` records, on hand-made results."""
    runs = [_lr_run(start_lr=s, seed=seed, outer_lr=lr, final_lr=0.6 + 0.01 * seed, lr=np.full(25, 0.6))
            for s in (0.15, 1.5) for seed in (0, 1) for lr in (0.01, 0.3)]
    got = ma.lr_chapter_measurements(runs, GRID)
    for ablation in metalearn_lr.ABLATIONS:
        got.update(ma.lr_ablation_measurements(ablation, runs))
    got.update(ma.afunc_chapter_measurements([_afunc_result(DIP)]))
    got.update(ma.afunc_ablation_measurements("mu", [_afunc_member("mu", v, [60.0 - 30 * (v == 1.0)] * 2)
                                                     for v in (0.4, 1.0)]))
    got.update(ma.afunc_ablation_measurements("hidden", [_afunc_member("hidden", h, [h / 10] * 2, graph_mb=h / 5)
                                                         for h in (50, 100, 200)]))
    got.update(ma.afunc_ablation_measurements("noise", [_afunc_member("hidden_noise", v, [67.0] * 2)
                                                        for v in (0.0, 0.1)]))
    return got


def test_every_recorded_claim_exists_in_its_notebooks_section():
    recorded = _all_recorded_measurements()
    assert len(recorded) == 3 + 5 + 6 + 4 + 1  # lr chapter, lr ablations, afunc chapter, afunc ablations
    for claim_id in recorded:
        assert claim_id in CLAIMS_BY_ID, claim_id
        section = CLAIMS_BY_ID[claim_id].section
        assert section == claim_id.split("/")[0], claim_id
        assert (NOTEBOOKS / f"{section}.py").exists(), section
    for ablation in metalearn_lr.ABLATIONS:
        assert (NOTEBOOKS / f"metalearn_lr_{ablation}.py").exists()
    for ablation in metalearn_afunc.ABLATIONS:
        assert (NOTEBOOKS / f"metalearn_afunc_{ablation}.py").exists()
    # and every metalearning claim of the scorecard is one the analysis records
    metalearn_claims = {c.claim_id for c in ma.CLAIMS}
    assert metalearn_claims == set(recorded)


def test_recorded_values_give_the_expected_verdicts():
    claim = CLAIMS_BY_ID["metalearn_lr/converged_lr"]
    assert claim.verdict([0.62]) == "reproduced"
    assert claim.verdict([0.60, 0.64, 0.62]) == "reproduced"
    assert claim.verdict([0.71]) == "partial"  # 0.09 off: within twice the tolerance 0.06
    assert claim.verdict([0.45]) == "not reproduced"
    stable = CLAIMS_BY_ID["metalearn_lr_stability/largest_stable_meta_lr"]
    assert stable.verdict([2.0]) == "not reproduced"
    assert stable.verdict([0.35, None]) == "reproduced"  # a seed where even the smallest diverged is left out
    assert stable.verdict([0.3]) == "reproduced" and stable.verdict([0.5]) == "not reproduced"
    assert stable.verdict([None, None]) == "not reproduced"
    extrema = CLAIMS_BY_ID["metalearn_afunc/n_extrema"]
    assert extrema.verdict([2]) == "reproduced" and extrema.verdict([1]) == "not reproduced"
    assert CLAIMS_BY_ID["metalearn_afunc/beats_relu_elu_swish"].verdict([True, False, False]) == "partial"
    assert CLAIMS_BY_ID["metalearn_lr_meta_lr/smallest_moves"].verdict([0.2]) == "new"
    assert CLAIMS_BY_ID["metalearn_afunc_hidden/graph_mb_widest"].verdict([95.0]) == "new"


def test_scorecard_rows_read_the_measurements_as_recorded():
    measured = _all_recorded_measurements()
    measured.update(ma.lr_ablation_measurements("stability", _stability_runs()))  # [0.35, 0.1, None, 1.0]
    metrics = {cid: {"values": to_jsonable(np.atleast_1d(np.asarray(v, dtype=object)).tolist())}
               for cid, v in measured.items()}
    rows = {r["claim_id"]: r for r in scorecard_rows({"metalearning": {"metrics": metrics}})}
    assert rows["metalearn_lr/converged_lr"]["verdict"] == "inconclusive"  # 0.60 and 0.61: two seeds say little
    assert rows["metalearn_lr/starts_agree"]["verdict"] == "inconclusive"  # both hold, but fewer than 3 seeds
    stability = rows["metalearn_lr_stability/largest_stable_meta_lr"]
    assert stability["n_seeds"] == 4 and stability["reproduced"] == f"{np.mean([0.35, 0.1, 1.0]):.3g}"
    assert stability["verdict"] == "inconclusive"  # 0.1 to 1.0 over seeds: the interval spans the tolerance
    assert rows["metalearn_afunc/n_extrema"]["verdict"] == "not reproduced"  # one dip, the paper has two
    assert rows["metalearn_afunc/non_monotonic"]["verdict"] == "inconclusive"  # one metalearning run
    assert rows["metalearn_afunc/beats_relu_elu_swish"]["reproduced"] == "no (1/3)"
