"""Augmentations, SimCLR, InfoNCE, probes, and the pooling CNN."""
import numpy as np
import pytest
import torch

import mnist1d_lib as m1
from mnist1d_lib import augment, pooling, pooling_analysis as pa, probes, ssl, ssl_analysis as sa


pytestmark = pytest.mark.usefixtures("one_thread")


def gens(*seeds):
    return [torch.Generator().manual_seed(s) for s in seeds]


def test_remove_offset_and_slope_leaves_zero_mean_and_trend():
    t = augment.centred_time(40).double()
    x = torch.randn(2, 5, 40, generator=torch.Generator().manual_seed(0), dtype=torch.float64) + 3.0 + 0.2 * t
    clean = augment.remove_offset_and_slope(x)
    torch.testing.assert_close(clean.mean(-1), torch.zeros(2, 5, dtype=torch.float64), atol=1e-12, rtol=0)
    torch.testing.assert_close((clean * t).sum(-1), torch.zeros(2, 5, dtype=torch.float64), atol=1e-10, rtol=0)


def test_circular_shift_rolls_within_range():
    x = torch.arange(40.0).expand(1, 200, 40).contiguous()
    shifted = augment.circular_shift(x, 10, gens(0))
    shifts = (40 - shifted[0, :, 0]) % 40  # where position 0 came from, as a roll to the right
    assert set(shifts.long().tolist()) == set(range(10))
    for row, s in zip(shifted[0], shifts.long()):
        torch.testing.assert_close(row, torch.roll(x[0, 0], int(s)))
    torch.testing.assert_close(augment.circular_shift(x, 1, gens(0)), x)  # max_shift 1: no shift
    with pytest.raises(ValueError, match="max_shift"):
        augment.circular_shift(x, 0, gens(0))


def test_views_are_seeded_per_member_and_have_the_papers_spread():
    x = torch.zeros(2, 4000, 40)
    a = augment.view(x, gens(1, 2))
    b = augment.view(x, gens(1, 3))
    torch.testing.assert_close(a[0], b[0])  # member 0's view does not depend on member 1's generator
    assert not torch.equal(a[1], b[1])
    t = augment.centred_time(40)
    offsets, slopes = a.mean(-1), (a * t).sum(-1) / (t ** 2).sum()
    assert offsets.std().item() == pytest.approx(augment.OFFSET_STD, rel=0.05)
    assert slopes.std().item() == pytest.approx(augment.SLOPE_STD, rel=0.05)
    with pytest.raises(ValueError, match="generator"):
        augment.view(x, gens(1))


def test_simclr_parameter_counts_match_the_authors():
    assert [m1.models.count_parameters(ssl.SimCLR(h)) for h in (1, None, 3)] == [21716, 3950, 53216]
    model = ssl.SimCLR(1)
    shapes = [h.shape for h in model.layers(torch.randn(7, 40))]
    assert shapes == [(7, 475), (7, 250), (7, 125), (7, 125), (7, 16)]
    assert ssl.layer_names(model) == ["pixels", "conv1", "conv2", "conv3 (H)", "projector 1", "output (Z)"]
    assert ssl.layer_names(ssl.SimCLR(None)) == ["pixels", "conv1", "conv2", "conv3 (H)"]


def test_info_nce_matches_the_authors_formula():
    z1, z2 = torch.randn(3, 8, 16), torch.randn(3, 8, 16)
    ours = ssl.info_nce(z1, z2, 0.5)
    for k in range(3):
        o1, o2 = torch.nn.functional.normalize(z1[k]), torch.nn.functional.normalize(z2[k])
        sims = torch.exp(o1 @ o2.T / 0.5)
        theirs = torch.mean(-torch.log(torch.diag(sims)) + torch.log(sims.sum(1)))
        torch.testing.assert_close(ours[k], theirs)
    same = torch.randn(1, 8, 16) * 10
    assert ssl.info_nce(same, same, 0.05) < ssl.info_nce(same, torch.randn(1, 8, 16), 0.05)


@pytest.fixture(scope="module")
def small_data(data):
    return m1.data.Dataset(x=data.x[:1000], y=data.y[:1000], x_test=data.x_test[:300], y_test=data.y_test[:300],
                           t=data.t)


def test_contrastive_training_learns_and_members_are_independent(small_data):
    config = ssl.ContrastiveConfig(epochs=6, eval_every=3)
    models, history = ssl.train_contrastive(lambda: ssl.SimCLR(1), small_data, config, [0, 1], progress=False)
    assert history["epoch"].tolist() == [0, 3, 6] and history["knn_acc"].shape == (2, 3)
    assert np.isnan(history["loss"][:, 0]).all() and (history["loss"][:, 2] < history["loss"][:, 1]).all()
    pixels = probes.linear_probe_accuracy(small_data.x, small_data.y, small_data.x_test, small_data.y_test)
    assert (history["linear_acc"][:, -1] > pixels + 10).all()  # features beat the pixels after a few epochs
    alone, again = ssl.train_contrastive(lambda: ssl.SimCLR(1), small_data, config, [1], progress=False)
    np.testing.assert_allclose(again["loss"][0, 1:], history["loss"][1, 1:], rtol=1e-4)
    probes_of_member = ssl.layer_probes(models[0], small_data)
    assert len(probes_of_member) == 6 and probes_of_member[0] == pytest.approx(pixels)
    assert ssl.layer_probes(models[0], small_data, layers=(3, -1)) == [probes_of_member[3], probes_of_member[-1]]


def test_contrastive_config_rejects_bad_settings():
    with pytest.raises(ValueError, match="tau"):
        ssl.ContrastiveConfig(tau=0.0)
    with pytest.raises(ValueError, match="eval_every"):
        ssl.ContrastiveConfig(epochs=5, eval_every=10)


def test_probes_and_silhouettes():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 30)
    centres = rng.normal(size=(10, 8)) * 5
    z = centres[y] + rng.normal(size=(300, 8))
    assert probes.knn_probe_accuracy(z, y, z, y) > 95 and probes.linear_probe_accuracy(z, y, z, y) > 95
    z[y == 3] = centres[4] + rng.normal(size=(30, 8))  # digit 3 now overlaps digit 4
    sil = probes.class_silhouettes(z, y)
    assert sil.shape == (10,) and np.argsort(sil)[:2].tolist() in ([3, 4], [4, 3])
    with pytest.raises(ValueError, match="features"):
        probes.linear_probe_accuracy(z, y, z[:, :3], y)


def test_ssl_analysis_reads_a_synthetic_result():
    sil = np.full((2, 10), 0.1)
    sil[:, [0, 3, 6, 9]] = 0.5
    result = {"pixel_knn": 60.0, "variants": [
        {"variant": "default", "layers": ["pixels", "conv1", "conv2", "conv3 (H)", "projector 1", "output (Z)"],
         "probes": [[33, 75, 80, 82, 76, 75], [33, 74, 81, 80, 77, 79]], "class_silhouette": sil.tolist(),
         "history": {"epoch": [0, 10], "knn_acc": [[40, 74], [40, 72]], "linear_acc": [[40, 82], [40, 80]],
                     "loss": [[None, 3], [None, 3]]}},
        {"variant": "none", "layers": ["pixels", "conv1", "conv2", "conv3 (H)"],
         "probes": [[33, 82, 79, 53], [33, 70, 71, 72]], "history": {}},
        {"variant": "deep", "layers": ["pixels", "conv1", "conv2", "conv3 (H)", "projector 1", "output (Z)"],
         "probes": [[33, 76, 82, 80, 70, 60], [34, 70, 75, 81, 72, 65]], "history": {}}]}
    measured = sa.chapter_measurements(result)
    assert measured["self_supervised/best_layer_deep"] == [82, 81]
    assert measured["self_supervised/best_layer_none"] == [82, 72]  # the pixels never count
    assert measured["self_supervised/probe_h_no_projector"] == [53, 72]
    assert measured["self_supervised/probe_before_projector"] == [82, 80]
    assert measured["self_supervised/peak_mid_network"] == [True, True, True, False, True, True]
    assert measured["self_supervised/isolated_digits"] == [3, 3]
    assert measured["self_supervised/knn_output"] == [74, 72]
    assert set(measured) <= set(m1.scorecard.CLAIMS_BY_ID)
    assert list(sa.guillotine_table(result).columns) == ["default", "none", "deep"]


def test_head_configs_vary_one_property_at_a_time():
    settings = m1.profiles.get_profile("full").ssl
    heads = ssl.head_configs(settings)
    assert heads[0] == {"hidden": 1, "width": 125, "out_dim": 16} and len(heads) == len({tuple(h.values()) for h in heads})
    for head in heads[1:]:
        assert sum(head[k] != heads[0][k] for k in head) == 1


def test_pooling_cnn_shapes_and_parameter_counts():
    counts = {m: m1.models.count_parameters(pooling.PoolingCNN(m)) for m in pooling.METHODS}
    assert counts == {"none": 9310, "stride 2": 3310, "max": 3310, "average": 3310, "L2": 3310}
    stacked = m1.stacking.stack_models([pooling.PoolingCNN("L2") for _ in range(3)])
    x = torch.randn(5, 40)
    single = pooling.PoolingCNN("L2")
    stacked_one = m1.stacking.stack_models([single])
    torch.testing.assert_close(stacked_one(x[None])[0], single(x))
    assert stacked(x.expand(3, -1, -1)).shape == (3, 5, 10)
    with pytest.raises(ValueError, match="method"):
        pooling.PoolingCNN("median")


def test_pooling_analysis_reads_a_synthetic_result():
    runs = []
    accs = {1000: {"none": 60, "stride 2": 58, "max": 78, "average": 77, "L2": 76},
            50000: {"none": 96, "stride 2": 95, "max": 98, "average": 97, "L2": 97}}
    for size, row in accs.items():
        for method, acc in row.items():
            runs += [{"method": method, "size": size, "seed": s, "final_test_acc": acc + s, "test_acc": [acc]}
                     for s in (0, 1)]
    measured = pa.chapter_measurements({"runs": runs, "step": [0]})
    assert measured["pooling/helps_low_data"] == [True, True]
    assert measured["pooling/gap_shrinks"] == [True, True]
    assert measured["pooling/gap_low_data"] == [16, 16] and measured["pooling/gap_high_data"] == [1, 1]
    assert "(78.2)" in pa.accuracy_table({"runs": runs})["max"].iloc[0]


def test_pooling_stack_of_one_shared_set_equals_subsets_of_it(data):
    """Members given the first ``size`` signals of one set (padded, with subsets) train
    exactly as ``train_many`` with ``train_subsets`` on that set."""
    torch.set_num_threads(1)
    sizes, seeds = (200, 400), [0, 1]
    shared = m1.data.Dataset(x=data.x[:400], y=data.y[:400], x_test=data.x_test[:100], y_test=data.y_test[:100],
                             t=data.t)
    sets = [m1.data.Dataset(x=shared.x[:n], y=shared.y[:n], x_test=shared.x_test, y_test=shared.y_test, t=shared.t)
            for n in sizes]
    config = m1.train.TrainConfig(steps=30, eval_every=10)
    ours = m1.pooling.train_method("max", sets, seeds, config, "cpu")
    _, reference = m1.train.train_many(lambda: m1.pooling.PoolingCNN("max"), shared, config, seeds, "cpu",
                                       train_subsets=[np.arange(n) for n in sizes], eval_train=False, progress=False)
    np.testing.assert_array_equal(ours["test_acc"], reference["test_acc"])
    np.testing.assert_array_equal(ours["test_loss"], reference["test_loss"])


def test_fresh_pooling_data_is_one_generated_set_per_size():
    sets = m1.pooling.member_data((100, 200), fresh=True, n_test=50)
    assert [len(d.y) for d in sets] == [100, 200] and all(len(d.y_test) == 50 for d in sets)
    assert not np.array_equal(sets[0].x_test, sets[1].x_test)  # each size its own test signals, as the authors
