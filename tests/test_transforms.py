import numpy as np
import pytest

import mnist1d_lib as m1
from mnist1d_lib import transforms as tr


def test_shuffle_is_the_papers_permutation(data):
    np.random.seed(42)
    expected = np.random.permutation(40)
    np.testing.assert_array_equal(tr.shuffle_permutation(40), expected)
    shuffled = tr.shuffle_features(data.x)
    np.testing.assert_array_equal(shuffled[:, 0], data.x[:, expected[0]])
    np.testing.assert_array_equal(np.sort(shuffled, 1), np.sort(data.x, 1))


def test_flip_and_chunk_swap_are_involutions(data):
    np.testing.assert_array_equal(tr.flip(tr.flip(data.x)), data.x)
    np.testing.assert_array_equal(tr.swap_chunks(tr.swap_chunks(data.x)), data.x)
    swapped = tr.swap_chunks(data.x[:2], n_chunks=4)
    np.testing.assert_array_equal(swapped[:, :10], data.x[:2, 30:])
    with pytest.raises(ValueError, match="n_chunks"):
        tr.swap_chunks(data.x, n_chunks=3)


def test_crop(data):
    assert tr.crop(data.x, 10, 30).shape == (4000, 20)
    with pytest.raises(ValueError, match="stop"):
        tr.crop(data.x, 10, 41)
    with pytest.raises(ValueError, match="stop"):
        tr.crop(data.x, 10, 10)


def test_input_noise_has_the_asked_std(data):
    noisy = tr.add_input_noise(data.x, 0.5, seed=0)
    assert np.std(noisy - data.x) == pytest.approx(0.5, rel=0.02)
    np.testing.assert_array_equal(noisy, tr.add_input_noise(data.x, 0.5, seed=0))
    with pytest.raises(ValueError, match="std"):
        tr.add_input_noise(data.x, -1.0, seed=0)


def test_label_noise_fraction_and_seed(data):
    noisy = tr.corrupt_labels(data.y, 0.15, seed=0)
    changed = (noisy != data.y).mean()
    assert changed == pytest.approx(0.15 * 9 / 10, abs=0.02)  # a replaced label keeps its class 1 time in 10
    np.testing.assert_array_equal(noisy, tr.corrupt_labels(data.y, 0.15, seed=0))
    assert (tr.corrupt_labels(data.y, 0.0, seed=0) == data.y).all()
    assert noisy.min() >= 0 and noisy.max() <= 9
    assert (data.y == m1.data.make_dataset().y).all()  # input unchanged


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan")])
def test_impossible_noise_fraction_is_an_error(data, fraction):
    with pytest.raises(ValueError, match="fraction"):
        tr.corrupt_labels(data.y, fraction, seed=0)


def test_wrong_shapes_are_errors(data):
    with pytest.raises(ValueError, match=r"shape \(n, length\)"):
        tr.flip(data.x[0])
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        tr.corrupt_labels(data.y[:, None], 0.1, seed=0)


def test_transform_inputs_applies_to_train_and_test(data):
    flipped = tr.transform_inputs(data, tr.flip)
    np.testing.assert_array_equal(flipped.x_test, data.x_test[:, ::-1])
    np.testing.assert_array_equal(flipped.y, data.y)
