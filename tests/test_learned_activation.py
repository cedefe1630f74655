import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mnist1d_lib.learned_activation import (
    SCALE, LearnedActivation, PiecewiseLinear, activation_curve, fit_piecewise_linear, inner_learned_activation,
    init_activation_params, local_extrema,
)
from mnist1d_lib.metalearn import MetalearnConfig, Stack, init_mlp


# --- LearnedActivation -----------------------------------------------------------------------------------------------

def test_init_activation_params_stacks_one_seeded_meta_mlp_per_seed():
    meta = init_activation_params([0, 3], n_hidden=7)
    assert [tuple(p.shape) for p in meta] == [(2, 7, 1), (2, 7), (2, 1, 7), (2, 1)]
    for m, seed in enumerate([0, 3]):
        for p, q in zip(meta, init_mlp((1, 7, 1), seed)):  # nn.Linear's initialisation, seeded
            assert torch.equal(p[m], q)
    assert [tuple(p.shape) for p in init_activation_params([0])] == [(1, 100, 1), (1, 100), (1, 1, 100), (1, 1)]


def test_learned_activation_is_elementwise(float64):
    meta = init_activation_params([0], n_hidden=16)
    act = LearnedActivation(meta)
    x = torch.linspace(-3, 3, 12).reshape(1, 3, 4)
    y = act(x)
    assert y.shape == (1, 3, 4)
    one_by_one = torch.stack([act(v.reshape(1, 1)) for v in x.flatten()]).reshape(1, 3, 4)
    torch.testing.assert_close(y, one_by_one, rtol=1e-12, atol=1e-12)
    perm = torch.randperm(12)
    torch.testing.assert_close(act(x.reshape(1, 12)[:, perm]), y.reshape(1, 12)[:, perm], rtol=1e-12, atol=1e-12)
    # the formula: ELU + 0.2 * a 1-n-1 tanh MLP on every element
    w1, b1, w2, b2 = (p[0] for p in meta)
    bump = (torch.tanh(x.reshape(-1, 1) @ w1.T + b1) @ w2.T + b2).reshape(x.shape)
    torch.testing.assert_close(y, F.elu(x) + SCALE * bump, rtol=1e-12, atol=1e-12)


def test_learned_activation_members_act_independently(float64):
    meta = init_activation_params([0, 1], n_hidden=16)
    x = torch.randn(2, 5, 3)
    y = LearnedActivation(meta)(x)
    for m in range(2):
        alone = LearnedActivation([p[m:m + 1] for p in meta])(x[m:m + 1])
        torch.testing.assert_close(y[m:m + 1], alone, rtol=1e-12, atol=1e-12)
    same = torch.randn(1, 5, 3).expand(2, 5, 3)
    out = LearnedActivation(meta)(same)
    assert (out[0] - out[1]).abs().max() > 1e-3  # different meta-parameters, different functions


def test_learned_activation_starts_near_elu(float64):
    meta = init_activation_params([0, 1, 2])
    x = torch.linspace(-5, 5, 201).expand(3, 201)
    diff = LearnedActivation(meta)(x) - F.elu(x)
    assert diff.abs().max() < 0.2  # 0.2 * a tanh MLP with nn.Linear's init
    assert diff.abs().max() > 0  # but not exactly ELU


def test_activation_curve_matches_the_class_on_a_history_row(float64):
    meta = init_activation_params([0, 1], n_hidden=16)
    x = np.linspace(-4, 4, 50)
    stacked = LearnedActivation(meta)(torch.as_tensor(x).expand(2, 50)).numpy()
    for m in range(2):
        row = [p[m].numpy() for p in meta]  # arrays without the member axis, as in a history
        curve = activation_curve(row, x)
        assert curve.shape == (50,)
        np.testing.assert_allclose(curve, stacked[m], rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(curve, activation_curve([p[m] for p in meta], x))  # tensors work too


def test_inner_learned_activation_uses_the_stacks_optimiser():
    stack = Stack([MetalearnConfig(optimizer="rmsprop", mu=0.7, inner_lr=0.02)])
    meta = init_activation_params([0], n_hidden=4)
    inner = inner_learned_activation(meta, stack)
    assert isinstance(inner.activation, LearnedActivation) and inner.activation.params == meta
    torch.testing.assert_close(inner.optimizer.lr, torch.tensor([0.02]))
    torch.testing.assert_close(inner.optimizer.mu, torch.tensor([0.7]))


# --- PiecewiseLinear -------------------------------------------------------------------------------------------------

KNOTS, VALUES = [-2.0, -0.5, 1.0, 3.0], [1.0, -1.0, 0.5, 0.0]


def test_piecewise_linear_interpolates_its_knots_and_between_them(float64):
    f = PiecewiseLinear(KNOTS, VALUES)
    torch.testing.assert_close(f(torch.tensor(KNOTS)), torch.tensor(VALUES), rtol=1e-12, atol=1e-12)
    mid = torch.tensor([(a + b) / 2 for a, b in zip(KNOTS[:-1], KNOTS[1:])])
    want = torch.tensor([(a + b) / 2 for a, b in zip(VALUES[:-1], VALUES[1:])])
    torch.testing.assert_close(f(mid), want, rtol=1e-12, atol=1e-12)
    x = torch.linspace(-2, 3, 101)
    np.testing.assert_allclose(f(x).numpy(), np.interp(x.numpy(), KNOTS, VALUES), rtol=1e-12, atol=1e-12)
    assert f(x.reshape(1, 101)).shape == (1, 101)  # elementwise on any shape


def test_piecewise_linear_extends_linearly_beyond_the_ends(float64):
    f = PiecewiseLinear(KNOTS, VALUES)
    first_slope, last_slope = (-1.0 - 1.0) / 1.5, (0.0 - 0.5) / 2.0
    torch.testing.assert_close(f(torch.tensor([-4.0, -10.0])), 1.0 + first_slope * torch.tensor([-2.0, -8.0]))
    torch.testing.assert_close(f(torch.tensor([5.0, 13.0])), last_slope * torch.tensor([2.0, 10.0]))


def test_piecewise_linear_is_differentiable_in_x(float64):
    f = PiecewiseLinear(KNOTS, VALUES)
    x = torch.tensor([-5.0, -1.0, 0.0, 2.0, 7.0], requires_grad=True)
    (grad,) = torch.autograd.grad(f(x).sum(), x)
    slopes = np.diff(VALUES) / np.diff(KNOTS)
    np.testing.assert_allclose(grad.numpy(), [slopes[0], slopes[0], slopes[1], slopes[2], slopes[2]], rtol=1e-12)


def test_piecewise_linear_refuses_bad_knots():
    with pytest.raises(ValueError, match="increase"):
        PiecewiseLinear([0.0, 2.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="same length"):
        PiecewiseLinear([0.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match=">= 2"):
        PiecewiseLinear([0.0], [1.0])


# --- fit_piecewise_linear --------------------------------------------------------------------------------------------

def test_fit_recovers_an_exactly_piecewise_linear_function(float64):
    x = np.linspace(-4, 5, 300)
    y = PiecewiseLinear(KNOTS, VALUES)(torch.as_tensor(x)).numpy()  # extends beyond the knots too
    np.testing.assert_allclose(fit_piecewise_linear(x, y, KNOTS), VALUES, rtol=1e-9, atol=1e-9)


def test_fit_error_shrinks_with_more_knots_for_a_smooth_curve(float64):
    x = np.linspace(-3, 3, 400)
    y = np.tanh(2 * x) + 0.1 * x**2

    def error(n_knots):
        knots = np.linspace(-3, 3, n_knots)
        fitted = PiecewiseLinear(knots, fit_piecewise_linear(x, y, knots))(torch.as_tensor(x)).numpy()
        return np.mean((fitted - y) ** 2)

    errors = [error(k) for k in (3, 5, 9, 17)]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[-1] < 1e-3 * errors[0]
    knots = np.linspace(-3, 3, 5)  # least squares: no better than interpolating the curve at the knots
    interpolated = np.mean((np.interp(x, knots, np.tanh(2 * knots) + 0.1 * knots**2) - y) ** 2)
    assert error(5) <= interpolated


# --- local_extrema ---------------------------------------------------------------------------------------------------

def test_local_extrema_of_sin():
    x = np.linspace(-5, 5, 2001)
    found = local_extrema(x, np.sin(x))
    assert [kind for _, kind in found] == ["max", "min", "max", "min"]
    np.testing.assert_allclose([pos for pos, _ in found], [-1.5 * np.pi, -0.5 * np.pi, 0.5 * np.pi, 1.5 * np.pi],
                               atol=0.006)


def test_local_extrema_of_a_monotone_curve_are_none():
    x = np.linspace(-5, 5, 501)
    assert local_extrema(x, np.tanh(x)) == []
    assert local_extrema(x, -x**3) == []


def test_local_extrema_ignore_wiggles_below_min_rise():
    x = np.linspace(-5, 5, 4001)
    y = 0.1 * x + 0.004 * np.sin(40 * x)  # not monotone, but it never turns back by 0.01
    assert np.any(np.diff(y) < 0)
    assert local_extrema(x, y, min_rise=0.01) == []
    assert len(local_extrema(x, y, min_rise=0.001)) > 10  # the same wiggles count when min_rise is smaller
    wiggly_sin = np.sin(x) + 0.002 * np.sin(60 * x)
    assert [kind for _, kind in local_extrema(x, wiggly_sin)] == ["max", "min", "max", "min"]


def test_local_extrema_of_a_parabola_is_its_minimum():
    x = np.linspace(-2, 3, 1001)
    found = local_extrema(x, x**2)
    assert len(found) == 1 and found[0][1] == "min"
    assert found[0][0] == pytest.approx(0.0, abs=1e-9)
    (top,) = local_extrema(x, 1 - (x - 1) ** 2)
    assert top[1] == "max" and top[0] == pytest.approx(1.0, abs=1e-9)
