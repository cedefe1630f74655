import numpy as np
import pytest
import torch

import mnist1d_lib as m1
from mnist1d_lib.double_descent import Member, forward_macs, plan_groups, stacks, sweep_config, train_sweep
from mnist1d_lib.double_descent_analysis import curve_features, final_table, is_local_peak, second_peak
from mnist1d_lib.models import CNN, PlainMLP
from mnist1d_lib.stacking import stack_models
from mnist1d_lib.train import TrainConfig, train_many, train_one

from .conftest import small


def test_profile_grids_are_the_papers():
    full = m1.profiles.get_profile("full").double_descent
    assert m1.profiles.PAPER_MLP_WIDTHS == tuple(int(w) for w in np.unique(np.geomspace(2, 300, 20, dtype=int)))
    assert full.mlp_widths == m1.profiles.PAPER_MLP_WIDTHS[:-1]  # all but 300 (see profiles)
    assert full.label_noise == 0.15 and len(full.seeds) >= 3  # epochs: 400 of the paper's 500 (see profiles)
    assert set(full.cnn_channels) <= set(m1.profiles.PAPER_CNN_CHANNELS)
    assert m1.profiles.PAPER_CNN_CHANNELS == tuple(np.concatenate((np.arange(2, 30, 2), np.arange(30, 101, 5))))


@pytest.mark.parametrize("make", [lambda w: PlainMLP(n_hidden=w, n_layers=3), lambda w: CNN(channels=w)])
def test_zero_padded_members_train_exactly_like_the_one_model_loop(data, float64, make):
    part = small(data, 300, 100)
    config = TrainConfig(steps=30, eval_every=10, batch_size=50, optimizer="sgd", lr=0.05, momentum=0.9)
    widths, seeds = [3, 8, 5], [0, 1, 2]
    models, many = train_many([lambda w=w: make(w) for w in widths], part, config, seeds=seeds, progress=False)
    for k, (w, seed) in enumerate(zip(widths, seeds)):
        model, one = train_one(lambda: make(w), part, config, seed=seed, progress=False)
        for key in ("train_loss", "test_loss", "test_acc"):
            np.testing.assert_allclose(many[key][k], one[key], rtol=1e-9, atol=1e-9, err_msg=key)
        for p_many, p_one in zip(models[k].parameters(), model.parameters()):
            torch.testing.assert_close(p_many, p_one, rtol=1e-9, atol=1e-9)


def test_padding_must_be_asked_for_and_is_refused_for_the_gru():
    with pytest.raises(ValueError, match="pad=True"):
        stack_models([PlainMLP(n_hidden=3), PlainMLP(n_hidden=4)])
    with pytest.raises(NotImplementedError, match="ReLU"):
        stack_models([m1.models.GRU(n_hidden=3), m1.models.GRU(n_hidden=4)], pad=True)
    with pytest.raises(ValueError, match="largest"):
        stack_models([m1.models.MLP(length=40, n_hidden=5), m1.models.MLP(length=30, n_hidden=6)], pad=True)


def test_each_member_has_its_own_dropout_rate():
    torch.manual_seed(0)
    models = [PlainMLP(n_hidden=50, dropout=p) for p in (0.0, 0.5)]
    stacked = stack_models(models).train()
    assert stacked.dropout.tolist() == [0.0, 0.5]
    x = torch.randn(2, 1000, 40)
    h = stacked.hidden[0](x).relu()  # what the dropout sees
    out_dropped = (h * (torch.rand_like(h) < 0.5)).eq(0).double().mean()
    assert out_dropped > 0.5  # sanity of the test itself: about half the units plus ReLU zeros
    first = stacked.hidden[0]
    with torch.no_grad():  # member 0 (rate 0) is deterministic in training mode, member 1 is not
        a, b = stacked(x), stacked(x)
    torch.testing.assert_close(a[0], b[0])
    assert not torch.allclose(a[1], b[1])
    assert first.weight.shape == (2, 50, 40)
    with pytest.raises(ValueError, match="dropout"):
        PlainMLP(dropout=1.0)


def test_forward_macs_counts_weights_times_outputs():
    assert forward_macs(PlainMLP(n_hidden=10, n_layers=2)) == 40 * 10 + 10 * 10 + 10 * 10
    # conv lengths 19, 10, 5 for a 40-sample signal
    assert forward_macs(CNN(channels=4)) == 19 * 4 * 5 + 10 * 4 * 12 + 5 * 4 * 12 + 20 * 10


def test_plan_groups_is_optimal_and_respects_overhead():
    costs, counts = [1.0, 2.0, 50.0, 60.0], [3, 3, 3, 3]
    assert plan_groups(costs, counts, overhead=0.0) == [[0], [1], [2], [3]]
    assert plan_groups(costs, counts, overhead=1e9) == [[0, 1, 2, 3]]
    assert plan_groups(costs, counts, overhead=40.0) == [[0, 1], [2, 3]]
    # brute force over contiguous partitions of 5 items
    rng = np.random.default_rng(0)
    costs, counts = sorted(rng.uniform(1, 100, 5)), rng.integers(1, 5, 5)

    def total(groups):
        return sum(sum(counts[i] for i in g) * max(costs[i] for i in g) + 30.0 for g in groups)

    best = min(total([list(range(a, b)) for a, b in zip((0,) + cuts, cuts + (5,))])
               for mask in range(16) for cuts in [tuple(i + 1 for i in range(4) if mask >> i & 1)])
    assert total(plan_groups(costs, counts, 30.0)) == pytest.approx(best)


def test_stacks_keep_depths_apart_and_cover_every_member():
    members = [Member("mlp", w, s, n_layers=d) for w in (2, 50, 300) for s in (0, 1) for d in (1, 2)]
    groups = stacks(members)
    assert sorted(i for g in groups for i in g) == list(range(len(members)))
    assert all(len({members[i].n_layers for i in g}) == 1 for g in groups)


def test_which_widths_share_a_stack_does_not_depend_on_the_seeds():
    """So a member is padded alike in any sweep, and a seed can be computed apart (bitwise:
    ``test_results.test_a_stacked_chapter_computes_only_the_seeds_its_profile_lacks``)."""
    widths = [2, 4, 8, 16, 32, 64, 128, 256, 512]

    def width_groups(seeds):
        members = [Member("mlp", w, s, noise) for noise in (0.0, 0.15) for w in widths for s in seeds]
        return [sorted({members[i].width for i in g}) for g in stacks(members)]

    assert len(width_groups((0,))) > 1
    assert width_groups((0,)) == width_groups((0, 1, 2)) == width_groups(range(10))


def test_bad_members_are_refused():
    with pytest.raises(ValueError, match="architecture"):
        Member("gru", 5, 0)
    with pytest.raises(ValueError, match="label_noise"):
        Member("mlp", 5, 0, label_noise=1.5)
    with pytest.raises(ValueError, match="mlp only"):
        Member("cnn", 5, 0, dropout=0.1)


def test_label_noise_is_shared_by_the_widths_of_one_seed(data):
    y = data.y
    a, b, c = (Member("mlp", w, s, label_noise=0.15).labels(y) for w, s in ((5, 0), (50, 0), (5, 1)))
    np.testing.assert_array_equal(a, b)
    assert 0.1 < np.mean(a != y) < 0.2 and np.mean(a != c) > 0.1


def test_peak_and_threshold_of_a_double_descent_curve():
    widths = np.array([2, 4, 8, 16, 32, 64])
    train = np.array([60, 40, 20, 5, 0, 0.0])
    test = np.array([65, 50, 45, 52, 55, 48.0])
    peak = second_peak(widths, test, train)
    assert peak["threshold"] == 32 and peak["width"] == 32 and peak["height"] == pytest.approx(10)
    falling = second_peak(widths, np.array([65, 50, 45, 44, 43, 42.0]), train)
    assert falling["height"] == 0


def test_a_local_peak_is_higher_than_both_neighbours():
    depth = np.array([1, 2, 3, 4])
    assert is_local_peak(depth, np.array([49, 51, 49, 48.0]), 2)
    assert not is_local_peak(depth, np.array([52, 51, 49, 48.0]), 2)
    assert not is_local_peak(depth, np.array([49, 51, 49, 48.0]), 7)
    assert is_local_peak(np.array([1, 2]), np.array([49, 51.0]), 2)  # the grid's end has one neighbour


def test_a_tiny_sweep_learns_and_reports_one_row_per_member(data):
    part = small(data, 1000, 500)
    members = [Member(a, w, s, label_noise=n) for a in ("mlp", "cnn") for w in (4, 32) for s in (0, 1)
               for n in (0.0, 0.15)]
    sweep = train_sweep(members, part, sweep_config(epochs=30, eval_epochs=10, n_train=1000), progress=False)
    table = final_table(sweep)
    assert len(table) == len(members) and sweep["test_err"].shape == (len(members), 4)
    assert (table.query("width == 32")["test_err"] < 75).all()  # chance is 90 % error
    wide_clean = table.query("width == 32 and label_noise == 0")
    assert (wide_clean["train_err"] < table.query("width == 4 and label_noise == 0")["train_err"].mean()).all()
    features = curve_features(table, architecture="mlp", label_noise=0.15)
    assert list(features["seed"]) == [0, 1]


def test_dropout_ablation_also_runs_on_the_seed_reports_base_at_the_paper_profile():
    paper = m1.profiles.get_profile("paper").dd_ablations
    members = m1.double_descent.ablation_members(paper, "dropout")
    report = [m for m in members if (m.width, m.n_layers, m.label_noise) == (10, 1, 0.0)]
    assert sorted({m.dropout for m in report}) == sorted(paper.dropouts)
    assert len(report) == len(paper.dropouts) * len(paper.seeds)
    full = m1.double_descent.ablation_members(m1.profiles.get_profile("full").dd_ablations, "dropout")
    assert all(m.width == 64 for m in full)
