import hashlib
from pathlib import Path

import numpy as np
import pytest

import mnist1d_lib as m1

SHARED_FROZEN = Path(__file__).resolve().parents[2] / "shared" / "reference" / "mnist1d_data.pkl"


def test_generated_data_equals_frozen_pickle(data):
    frozen = m1.data.load_frozen(m1.data.frozen_path())
    assert data.x.shape == (4000, 40) and data.x_test.shape == (1000, 40)
    assert np.abs(data.x - frozen.x).max() <= 1e-12
    assert np.abs(data.x_test - frozen.x_test).max() <= 1e-12
    np.testing.assert_array_equal(data.y, frozen.y)
    np.testing.assert_array_equal(data.y_test, frozen.y_test)
    assert m1.data.frozen_difference(data, frozen)["labels_equal"]


@pytest.mark.skipif(not SHARED_FROZEN.exists(), reason="shared/ reference not beside this checkout")
def test_shipped_reference_is_the_shared_one():
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(m1.data.frozen_path()) == digest(SHARED_FROZEN)


def test_frozen_difference_detects_a_change(data):
    changed = m1.data.Dataset(x=data.x + 1e-6, y=data.y, x_test=data.x_test, y_test=data.y_test, t=data.t)
    assert m1.data.frozen_difference(changed, data)["max_abs_dx"] == pytest.approx(1e-6)


def test_dataset_is_standardised_and_balanced(data):
    both = np.concatenate([data.x, data.x_test])
    assert abs(both.mean()) < 1e-8 and abs(both.std() - 1) < 1e-8
    assert np.bincount(np.concatenate([data.y, data.y_test])).tolist() == [500] * 10


def test_other_sizes_and_seeds(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST1D_CACHE", str(tmp_path))
    a = m1.data.make_dataset(num_samples=200, train_split=0.75, seed=1)
    assert a.x.shape == (150, 40) and a.x_test.shape == (50, 40)
    cached = m1.data.make_dataset(num_samples=200, train_split=0.75, seed=1)  # from the disk cache
    np.testing.assert_array_equal(a.x, cached.x)
    other = m1.data.make_dataset(num_samples=200, train_split=0.75, seed=2)
    assert not np.allclose(a.x, other.x)
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("kwargs, name", [
    ({"num_samples": 0}, "num_samples"), ({"train_split": 1.0}, "train_split"),
    ({"train_split": -0.1}, "train_split"), ({"corr_noise": 1}, "corr_noise"),
])
def test_bad_arguments_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        m1.data.make_dataset(**kwargs)


def test_validation_split_is_disjoint_and_seeded(data):
    reduced, (x_val, y_val) = m1.data.split_validation(data, 500, seed=0)
    assert reduced.x.shape == (3500, 40) and x_val.shape == (500, 40) and y_val.shape == (500,)
    rows = {r.tobytes() for r in reduced.x}
    assert not any(r.tobytes() in rows for r in x_val)
    again, (x_val2, _) = m1.data.split_validation(data, 500, seed=0)
    np.testing.assert_array_equal(x_val, x_val2)
    with pytest.raises(ValueError, match="val_size"):
        m1.data.split_validation(data, 4000)


def test_generation_steps_follow_the_package():
    steps = m1.data.generation_steps(label=3, seed=0)
    assert [name for name, _ in steps][0] == "template" and len(steps) == 8
    assert steps[0][1].shape == (12,) and steps[-1][1].shape == (40,)
    with pytest.raises(ValueError, match="label"):
        m1.data.generation_steps(label=10)


def test_tsne_comparison_uses_equal_point_counts(data):
    maps = m1.baselines.tsne_comparison(data, n=120, try_mnist=False, seed=0)
    (name_1d, first), (name_2d, second) = maps.items()
    assert name_1d == "MNIST-1D" and "digits" in name_2d
    assert np.shape(first["embedding"]) == (120, 2) and np.shape(second["embedding"]) == (120, 2)
    assert -1 <= first["silhouette"] <= 1
