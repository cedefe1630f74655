"""Masked MLPs, pruning, the ticket search, the asymptote runs and the mask statistics."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import mnist1d_lib as m1
from mnist1d_lib import lottery, lottery_analysis as la, pruning
from mnist1d_lib.train import TrainConfig


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def small_data(data):
    return m1.data.Dataset(x=data.x[:600], y=data.y[:600], x_test=data.x_test[:300], y_test=data.y_test[:300], t=data.t)


def random_masks(stacked, keep: float, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    for layer in pruning.masked_layers(stacked):
        vector = layer.vector()
        layer.set(vector, (torch.rand(vector.shape, generator=gen) < keep).float())


def test_masked_stack_without_pruning_equals_the_plain_models():
    models = [lottery.build_mlp(16, seed) for seed in (0, 1)]
    stacked = pruning.masked_stack(models)
    x = torch.randn(5, 40)
    out = stacked(x.expand(2, -1, -1))
    for k, model in enumerate(models):
        torch.testing.assert_close(out[k], model(x))


def test_vector_is_weight_then_bias_in_linear_order():
    model = lottery.build_mlp(8, 3)
    layer = pruning.masked_layers(pruning.masked_stack([model]))[1]
    expected = torch.cat([model.linear2.weight.flatten(), model.linear2.bias])
    torch.testing.assert_close(layer.vector()[0], expected)
    torch.testing.assert_close(layer.mask_vector()[0], torch.ones_like(expected))


def test_pruned_weights_stay_exactly_zero_through_training():
    stacked = pruning.masked_stack([lottery.build_mlp(32, s) for s in (0, 1)])
    random_masks(stacked, keep=0.3)
    opt = torch.optim.Adam(stacked.parameters(), lr=0.05)
    x, y = torch.randn(2, 64, 40), torch.randint(0, 10, (2, 64))
    for _ in range(30):
        loss = F.cross_entropy(stacked(x).transpose(1, 2), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    for layer in pruning.masked_layers(stacked):
        pruned = layer.mask_vector() == 0
        assert pruned.any()
        assert (layer.weight[layer.weight_mask == 0] == 0).all()  # the stored parameters, not only their product
        assert (layer.bias[layer.bias_mask == 0] == 0).all()
        assert (layer.vector()[pruned] == 0).all()
        assert (layer.vector()[~pruned] != 0).float().mean() > 0.99  # the kept ones trained


def test_prune_mask_drops_the_lowest_scores_per_member():
    scores = torch.tensor([[5.0, 1.0, 3.0, 2.0, 4.0], [0.0, 0.0, 0.0, 1.0, 2.0]])
    mask = pruning.prune_mask(scores, 0.4)  # int(0.4 * 5) = 2 dropped per member
    assert mask.tolist() == [[1, 0, 1, 0, 1], [0, 0, 1, 1, 1]]  # ties broken by position
    assert pruning.prune_mask(scores, 0.0).all()
    assert not pruning.prune_mask(scores, 1.0).any()
    with pytest.raises(ValueError, match="sparsity"):
        pruning.prune_mask(scores, 1.2)


def test_sparsity_schedules():
    linear = pruning.sparsity_schedule("linear", 5, 0.8)
    np.testing.assert_allclose(linear, [0, 0.2, 0.4, 0.6, 0.8])
    expo = pruning.sparsity_schedule("exponential", 5, 0.9)
    kept = 1 - expo
    assert expo[0] == 0 and expo[-1] == pytest.approx(0.9)
    np.testing.assert_allclose(kept[1:] / kept[:-1], kept[1] / kept[0])  # the same fraction of the rest every round
    assert (np.diff(expo) > 0).all() and np.diff(expo)[0] > np.diff(linear)[0]
    with pytest.raises(ValueError, match="schedule"):
        pruning.sparsity_schedule("cosine", 5, 0.9)
    with pytest.raises(ValueError, match="exponential"):
        pruning.sparsity_schedule("exponential", 5, 1.0)
    with pytest.raises(ValueError, match="rounds"):
        pruning.sparsity_schedule("linear", 1, 0.5)


def test_paper_rounds_keep_the_ticket_round():
    for every in (1, 3, 9, 10):
        rounds = m1.profiles.paper_rounds(every)
        assert rounds[0] == 0 and m1.profiles.PAPER_TICKET_ROUND in rounds and max(rounds) < 100
    assert len(m1.profiles.paper_rounds(1)) == 100
    assert m1.profiles.PAPER_SPARSITY[91] == pytest.approx(91 / 99)


def test_adjacency_counts_and_nulls_keep_margins():
    mask = np.array([[1, 1, 0, 1], [0, 1, 1, 1], [1, 0, 1, 0]], dtype=bool)
    assert pruning.adjacent_kept(mask) == 1 + 2 + 0
    rng = np.random.default_rng(0)
    big = rng.random((60, 40)) < 0.2
    shuffled = pruning.shuffle_within_rows(big, rng)
    assert (shuffled.sum(1) == big.sum(1)).all()
    balls = pruning.curveball(big, rng)
    assert (balls.sum(1) == big.sum(1)).all() and (balls.sum(0) == big.sum(0)).all()
    assert (balls != big).any()


def test_adjacency_test_finds_local_masks_only():
    rng = np.random.default_rng(1)
    local = np.zeros((200, 40), dtype=bool)
    for row, start in zip(local, rng.integers(0, 37, 200)):
        row[start:start + 3] = True
    for null in pruning.NULLS:
        found = pruning.adjacency_test(local, null, n_random=99, seed=0)
        assert found["p"] == pytest.approx(0.01) and found["ratio"] > 5
    ps = [pruning.adjacency_test(rng.random((200, 40)) < 0.1, "rows", n_random=99, seed=s)["p"] for s in range(5)]
    assert max(ps) > 0.05
    with pytest.raises(ValueError, match="null"):
        pruning.adjacency_test(local, "columns")
    with pytest.raises(ValueError, match="shape"):
        pruning.adjacency_test(local[0], "rows")


def search_config(**overrides):
    config = dict(schedule=(0.0, 0.5, 0.8), train=TrainConfig(steps=60, lr=2e-2, eval_every=60), hidden=32,
                  keep_rounds=(1, 2))
    return lottery.SearchConfig(**{**config, **overrides})


@pytest.fixture(scope="module")
def found(small_data):
    return lottery.search(small_data, search_config(), progress=False)


def test_search_learns_and_prunes_to_the_schedule(found):
    assert found["members"] == [("magnitude", 0), ("magnitude", 1), ("random", 0), ("random", 1)]
    assert found["test_acc"].shape == (4, 3)
    assert (found["test_acc"][:, 0] > 25).all()  # chance is 10 %
    np.testing.assert_allclose(found["layer_sparsity"][:, 1], 0.5, atol=1e-3)
    np.testing.assert_allclose(found["layer_sparsity"][:, 2], 0.8, atol=1e-3)
    # round 0 is the dense network: magnitude and random members of a trial are the same run
    for key in ("train_loss", "test_loss", "test_acc"):
        np.testing.assert_array_equal(found[key][:2, 0], found[key][2:, 0])


def test_magnitude_masks_are_nested_and_random_ones_are_not(found):
    for layer in range(3):
        earlier, later = found["masks"][1][layer], found["masks"][2][layer]
        assert (later[:2] <= earlier[:2]).all()  # magnitude: what is pruned stays pruned
        assert (later[2:] > earlier[2:]).any()  # random: a fresh mask every round


def test_rewinding_restores_the_initial_values(small_data):
    config = search_config(schedule=(0.0, 0.6), keep_rounds=())
    members = config.members()
    stacked = pruning.masked_stack([lottery.build_mlp(32, t) for _, t in members])
    init = [layer.vector().clone() for layer in pruning.masked_layers(stacked)]
    with torch.no_grad():
        for layer in pruning.masked_layers(stacked):
            layer.weight.add_(torch.randn_like(layer.weight))  # stands for training
    lottery._prune(stacked, init, members, 0.6, 1)
    for layer, start in zip(pruning.masked_layers(stacked), init):
        kept = layer.mask_vector().bool()
        torch.testing.assert_close(layer.vector()[kept], start[kept])


def test_a_member_does_not_depend_on_its_stack(small_data, found):
    """At one thread a member's numbers are bitwise those of a search of it alone."""
    alone = lottery.search(small_data, search_config(trials=(1,), criteria=("random",)), progress=False)
    for key in ("train_loss", "test_loss", "test_acc", "layer_sparsity"):
        np.testing.assert_array_equal(alone[key][0], found[key][3])


def test_search_is_deterministic(small_data, found):
    again = lottery.search(small_data, search_config(), progress=False)
    np.testing.assert_array_equal(again["test_acc"], found["test_acc"])


def test_search_rejects_bad_settings(small_data):
    with pytest.raises(ValueError, match="criteria"):
        search_config(criteria=("gradient",))
    with pytest.raises(ValueError, match="init"):
        search_config(init="orthogonal")
    with pytest.raises(ValueError, match="sparsity"):
        search_config(schedule=(0.0, 1.5))
    with pytest.raises(ValueError, match="keep_rounds"):
        search_config(keep_rounds=(3,))


def test_xavier_init_has_zero_biases_and_xavier_scale():
    model = lottery.build_mlp(500, 0, "xavier")
    assert (model.linear1.bias == 0).all()
    bound = np.sqrt(6 / (40 + 500))
    assert model.linear1.weight.abs().max() <= bound and model.linear1.weight.abs().max() > 0.95 * bound


def test_rearrangements_match_the_authors(small_data):
    variants = lottery.rearranged(small_data)
    x = small_data.x
    np.testing.assert_array_equal(variants["chunk-swapped"].x,
                                  np.concatenate([x[:, 20:30], x[:, 30:40], x[:, :10], x[:, 10:20]], axis=1))
    np.testing.assert_array_equal(variants["flipped"].x_test, small_data.x_test[:, ::-1])
    np.testing.assert_array_equal(variants["shuffled"].x, x[:, np.random.RandomState(0).permutation(40)])
    assert all((v.y == small_data.y).all() for v in variants.values())


def test_retrain_gives_each_member_its_own_data(small_data, found):
    variants = lottery.rearranged(small_data)
    masks = found["masks"][2]
    members = []
    for t in (0, 1):
        ticket, random = (tuple(m[found["members"].index((c, t))] for m in masks) for c in ("magnitude", "random"))
        members += lottery.asymptote_members(ticket, random, t, variants)
    assert len(members) == 2 * (3 * len(variants) + 3)
    config = TrainConfig(steps=30, batch_size=100, lr=2e-2, eval_every=15)
    chosen = [m for m in members if m.trial == 0 and (m.net, m.data) in (("ticket", "flipped"), ("dense", "shuffled"))]
    both = lottery.retrain(chosen, variants, config, 32, progress=False)
    for k, member in enumerate(chosen):
        alone = lottery.retrain([member], variants, config, 32, progress=False)
        np.testing.assert_allclose(alone["test_acc"][0], both["test_acc"][k], atol=0.5)
    ticket = next(m for m in chosen if m.net == "ticket")
    assert ticket.seed == 0 and ticket.masks is not None
    new_init = [m for m in members if m.init == "new" and m.trial == 1]
    assert {m.seed for m in new_init} == {2} and {m.data for m in new_init} == {"original"}
    with pytest.raises(ValueError, match="variant"):
        lottery.retrain(chosen, {"original": small_data}, config, 32, progress=False)


def test_ticket_masks_survive_json(found):
    """The asymptote runs read the search's masks from its stored (JSON) result: packed and
    unpacked, every layer's mask is the searched one, bit for bit."""
    sizes = lottery.layer_sizes(32)
    for layer, size in zip(found["masks"][2], sizes):
        assert layer.shape[1] == size
        for mask in layer:
            np.testing.assert_array_equal(lottery.unpack_mask(lottery.pack_mask(mask), size).numpy(), mask.numpy())


def test_fit_stacked_rejects_mismatched_inputs():
    stacked = pruning.masked_stack([lottery.build_mlp(8, s) for s in (0, 1)])
    with pytest.raises(ValueError, match="members"):
        m1.train.fit_stacked(stacked, (torch.randn(3, 50, 40), torch.zeros(50, dtype=torch.int64)), {},
                             TrainConfig(steps=2, eval_every=2), seeds=[0, 1], progress=False)


def synthetic_search(ticket, random, sparsity):
    return {"sparsity": sparsity, "criterion": ["magnitude"] * len(ticket) + ["random"] * len(random),
            "trial": list(range(len(ticket))) * 2, "test_acc": ticket + random}


def test_analysis_reads_a_synthetic_search():
    sparsity = [0.0, 0.5, 0.9, 0.95, 1.0]
    search = synthetic_search([[60, 65, 70, 66, 10], [60, 64, 59, 55, 10]],
                              [[60, 61, 50, 40, 10], [60, 62, 58, 56, 10]], sparsity)
    assert la.ticket_beats_random_high(search) == [True, False]  # trial 1 loses at 0.95; sparsity 1 is ignored
    assert la.beats_dense_up_to(search) == [0.95, 0.5]
    np.testing.assert_array_equal(la.final_round_gap(search, last=2), [20, 1])


def test_chapter_measurements_read_asymptotes():
    sparsity = [0.0, 0.92]
    search = synthetic_search([[60, 70]], [[60, 55]], sparsity)

    def rows(net, data, acc, init="original"):
        return {"net": net, "data": data, "init": init, "trial": 0, "test_acc": [10, acc], "train_acc": [10, 100]}

    result = {"search": search, "ticket_index": 1, "step": [0, 100],
              "asymptotes": [rows("ticket", "original", 71), rows("dense", "original", 64),
                             rows("ticket", "flipped", 69), rows("ticket", "shuffled", 62), rows("dense", "shuffled", 64),
                             rows("ticket", "original", 67, "new"), rows("dense", "original", 63, "new")],
              "spatial": [{"criterion": "magnitude", "trial": 0, "rows": {"p": 0.001}, "margins": {"p": 0.02}}]}
    measured = la.chapter_measurements(result)
    assert measured["lottery/asymptote_acc_92"] == [71] and measured["lottery/flipped_acc"] == [69]
    assert measured["lottery/shuffled_worse_than_dense"] == [True]
    assert measured["lottery/shuffled_ticket_minus_dense"] == [-2]
    assert measured["lottery/reinit_beats_dense"] == [True] and measured["lottery/reinit_ticket_minus_dense"] == [4]
    assert measured["lottery/ticket_beats_dense"] == [True]
    assert measured["lottery/mask_adjacency_p"] == [0.001]
    assert set(measured) <= set(m1.scorecard.CLAIMS_BY_ID)


def test_ablation_claims_exist_for_every_value():
    settings = m1.profiles.get_profile("full").lottery
    for ablation in lottery.ABLATIONS:
        groups = [{"value": value, "sparsity": [0.0, 0.9], "criterion": ["magnitude", "random"], "trial": [0, 0],
                   "test_acc": [[60, 70], [60, 50]]} for value, _, _ in lottery.ablation_groups(settings, ablation)]
        assert set(la.ablation_measurements(ablation, groups)) <= set(m1.scorecard.CLAIMS_BY_ID)


def test_the_ablations_baseline_is_the_chapters_search_cut_short_where_they_run_its_schedule(results_tmp):
    """At the paper profile every ablation's baseline (no perturbation, the linear schedule,
    the default init, the chapter's rate) runs the chapter's schedule up to round 91 at its
    steps per round, so it is read from the chapter's search. Cut short, that search equals a
    search of the group itself, bitwise; the other groups are searched on their own."""
    import dataclasses
    import json

    paper = m1.profiles.get_profile("paper").lottery
    baselines = {(a, key.split(": ", 1)[1]) for a in lottery.ABLATIONS for key in lottery.ablation_computations(
        paper, a, "cpu") if lottery.chapter_prefix(paper, a, key.split(": ", 1)[1])}
    assert baselines == {("perturbation", "none"), ("schedule", "linear"), ("init", "default"),
                         ("lr", f"{paper.lr:g}")}
    smoke = m1.profiles.get_profile("smoke")
    settings = dataclasses.replace(smoke.lottery, rounds=(0, 30, 50, 91), ablation_rounds=(0, 30, 50),
                                   ablation_steps=smoke.lottery.round_steps)
    assert [lottery.chapter_prefix(settings, "schedule", v) for v in pruning.SCHEDULES] == [3, None]
    assert lottery.chapter_prefix(smoke.lottery, "schedule", "linear") is None
    run = m1.results.Run("lottery_schedule", dataclasses.replace(smoke, lottery=settings), device="cpu")
    linear, _ = la.ablation_results(run, settings, "schedule", "cpu")[0]
    assert "search" in run.outputs and "schedule: linear" not in run.outputs
    searched = run.compute_seeds("schedule: linear", la.group_seeded("schedule", "linear"), settings, "cpu")
    assert json.dumps({"value": "linear", **searched}) == json.dumps(linear)
