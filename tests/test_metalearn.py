import numpy as np
import pytest
import torch
from torch import nn

from mnist1d_lib.metalearn import (
    ACTIVATION_CONFIG, SGD, LearnedActivation, MetalearnConfig, RMSprop, activation_curve, inner_learned_activation,
    inner_learned_lr, init_activation_params, init_mlp, meta_loss, metalearn, mlp_forward, unroll,
)

from .conftest import small

TINY = dict(sizes=(40, 5, 10), inner_steps=5, batch_size=10)  # a problem small enough for finite differences


def _central_difference(f, h=1e-5):
    return (f(h) - f(-h)) / (2 * h)


def test_meta_gradient_of_the_learning_rate_matches_finite_differences(data, float64):
    tiny, config = small(data, 20, 10), MetalearnConfig(**TINY)
    params0 = init_mlp(config.sizes, seed=0)

    def loss_at(lr):
        return meta_loss(unroll(params0, [lr], tiny, config, inner_learned_lr, seed=0), config)

    lr = torch.tensor(0.5, requires_grad=True)
    (grad,) = torch.autograd.grad(loss_at(lr), lr)
    numeric = _central_difference(lambda h: loss_at(torch.tensor(0.5 + h)).item())
    assert grad.item() == pytest.approx(numeric, rel=1e-6)


def test_meta_gradient_of_the_learned_activation_matches_finite_differences(data, float64):
    tiny = small(data, 20, 10)
    config = MetalearnConfig(**TINY, optimizer="rmsprop", inner_lr=1e-2, hidden_noise=0.1, meta_loss_last=3)
    params0, meta = init_mlp(config.sizes, seed=0), init_activation_params(seed=1)
    entry = (2, 0, 7)  # one weight of the meta-MLP's output layer

    def loss_at(meta_params):
        return meta_loss(unroll(params0, meta_params, tiny, config, inner_learned_activation, seed=0), config)

    def shifted(delta):
        moved = [p.detach().clone() for p in meta]
        moved[entry[0]][entry[1:]] += delta
        return moved

    grad = torch.autograd.grad(loss_at(meta), meta)[entry[0]][entry[1:]]
    numeric = _central_difference(lambda h: loss_at(shifted(h)).item())
    assert grad.item() == pytest.approx(numeric, rel=1e-6)


def test_functional_mlp_equals_nn_sequential(float64):
    params = init_mlp((40, 7, 6, 10), seed=3)
    model = nn.Sequential(nn.Linear(40, 7), nn.Tanh(), nn.Linear(7, 6), nn.Tanh(), nn.Linear(6, 10))
    with torch.no_grad():
        for p, q in zip(params, model.parameters()):
            q.copy_(p)
    x = torch.randn(13, 40)
    torch.testing.assert_close(mlp_forward(params, x, torch.tanh), model(x), rtol=1e-12, atol=1e-12)
    assert params[0].abs().max() <= 1 / np.sqrt(40) and params[2].abs().max() <= 1 / np.sqrt(7)  # nn.Linear's range
    for p, q in zip(params, init_mlp((40, 7, 6, 10), seed=3)):
        assert torch.equal(p, q)


def test_hidden_noise_is_uniform_shared_by_the_batch_and_seeded(float64):
    params = init_mlp((4, 50, 3), seed=0)
    x = torch.zeros(2, 4)
    noisy = mlp_forward(params, x, torch.tanh, 0.1, torch.Generator().manual_seed(5))
    again = mlp_forward(params, x, torch.tanh, 0.1, torch.Generator().manual_seed(5))
    assert torch.equal(noisy, again) and torch.equal(noisy[0], noisy[1])
    zero_out = [params[0], params[1], torch.eye(50)[:3], torch.zeros(3)]  # read out three hidden units
    delta = mlp_forward(zero_out, x, torch.tanh, 0.1, torch.Generator()) - mlp_forward(zero_out, x, torch.tanh)
    assert 0 < delta.abs().max() <= 0.1


def test_sgd_step_equals_torch_sgd(float64):
    params, grads = [torch.randn(5, 3), torch.randn(5)], [torch.randn(5, 3), torch.randn(5)]
    ours, _ = SGD(0.3).step(params, grads, SGD(0.3).init_state(params))
    reference = [nn.Parameter(p.clone()) for p in params]
    for p, g in zip(reference, grads):
        p.grad = g.clone()
    torch.optim.SGD(reference, lr=0.3).step()
    for a, b in zip(ours, reference):
        torch.testing.assert_close(a, b.detach(), rtol=1e-12, atol=1e-12)


def test_rmsprop_step_is_the_papers_formula_and_torch_rmsprop_from_zero(float64):
    opt = RMSprop(lr=1e-2, mu=0.4, eps=1e-8)
    p, g1, g2 = torch.randn(6), torch.randn(6), torch.randn(6)
    state = opt.init_state([p])
    (p1,), state = opt.step([p], [g1], state)
    (p2,), _ = opt.step([p1], [g2], state)
    s1 = 0.4 * 1.0 + 0.6 * g1.numpy() ** 2  # the running mean starts at one
    s2 = 0.4 * s1 + 0.6 * g2.numpy() ** 2
    want1 = p.numpy() - 1e-2 * g1.numpy() / (np.sqrt(s1) + 1e-8)
    np.testing.assert_allclose(p1.numpy(), want1, rtol=1e-12)
    np.testing.assert_allclose(p2.numpy(), want1 - 1e-2 * g2.numpy() / (np.sqrt(s2) + 1e-8), rtol=1e-12)

    (ours,), _ = opt.step([p], [g1], [torch.zeros(6)])  # torch.optim.RMSprop starts the mean at zero
    reference = nn.Parameter(p.clone())
    reference.grad = g1.clone()
    torch.optim.RMSprop([reference], lr=1e-2, alpha=0.4, eps=1e-8).step()
    torch.testing.assert_close(ours, reference.detach(), rtol=1e-12, atol=1e-12)


def test_learned_activation_is_elementwise_and_starts_near_elu(float64):
    meta = init_activation_params(seed=0)
    x = torch.linspace(-3, 3, 12).reshape(3, 4)
    y = LearnedActivation(meta)(x)
    assert y.shape == (3, 4)
    np.testing.assert_allclose(y.flatten().detach().numpy(), activation_curve(meta, x.flatten().numpy()), rtol=1e-12)
    assert (y - torch.nn.functional.elu(x)).abs().max() < 0.2  # 0.2 * a tanh MLP with nn.Linear's init
    arrays = [p.detach().numpy() for p in meta]  # a history row works too
    np.testing.assert_array_equal(activation_curve(arrays, np.array([0.5])), activation_curve(meta, np.array([0.5])))


def test_metalearning_moves_the_learning_rate_downhill_and_is_deterministic(data):
    part = small(data, 500, 100)
    config = MetalearnConfig(inner_steps=20, outer_steps=3)
    history = metalearn([0.05], inner_learned_lr, part, config, progress=False)
    lrs = history["meta_params"][0]
    assert history["step"].tolist() == [0, 1, 2] and not history["diverged"] and history["diverged_at"] is None
    assert lrs[0] == pytest.approx(0.05) and 0.05 < lrs[1] < lrs[2] < history["final_meta_params"][0]
    params0 = init_mlp(config.sizes, seed=config.seed)  # outer step 0's inner problem, at the start and at the end

    def loss_at(lr):
        return meta_loss(unroll(params0, [torch.tensor(lr)], part, config, inner_learned_lr, seed=0), config).item()

    assert loss_at(0.05) == pytest.approx(history["meta_loss"][0])
    assert loss_at(float(history["final_meta_params"][0])) < loss_at(0.05)
    again = metalearn([0.05], inner_learned_lr, part, config, progress=False)
    for key in ("step", "meta_loss", "final_inner_loss", "inner_losses"):
        np.testing.assert_array_equal(history[key], again[key])
    np.testing.assert_array_equal(history["meta_params"][0], again["meta_params"][0])


def test_clamped_activation_metalearning_runs_with_rmsprop(data):
    config = MetalearnConfig(sizes=(40, 16, 10), optimizer="rmsprop", inner_steps=8, batch_size=25, hidden_noise=0.1,
                             meta_loss_last=4, outer_steps=2, grad_clamp=0.1)
    meta = init_activation_params(seed=0)
    history = metalearn(meta, inner_learned_activation, small(data, 200, 50), config, progress=False)
    assert history["meta_loss"].shape == (2,) and np.isfinite(history["meta_loss"]).all()
    assert [a.shape for a in history["meta_params"]] == [(2, *p.shape) for p in meta]
    for start, row, end in zip(meta, history["meta_params"], history["final_meta_params"]):
        np.testing.assert_array_equal(row[0], start.detach().numpy())  # the caller's tensors are left alone
        assert np.abs(end - row[1]).max() <= 0.3 * 0.1 + 1e-7  # outer lr times the clamp
    assert any(np.abs(end - row[1]).max() > 0 for row, end in zip(history["meta_params"], history["final_meta_params"]))


@pytest.mark.parametrize("activation, outer_lr", [
    ("relu", 1e4),  # the learned lr jumps to thousands and the ReLU net's inner losses overflow
    ("tanh", 1e39),  # the learned lr itself overflows float32
])
def test_a_huge_outer_lr_is_reported_as_diverged(data, activation, outer_lr):
    config = MetalearnConfig(activation=activation, inner_steps=10, outer_steps=6, outer_lr=outer_lr)
    history = metalearn([0.5], inner_learned_lr, small(data, 500, 100), config, progress=False)
    assert history["diverged"] and history["diverged_at"] == 1
    assert history["step"].tolist() == [0] and history["meta_params"][0].shape == (1,)
    assert history["inner_losses"].shape == (1, 10)
    for curve in (history["meta_loss"], history["final_inner_loss"], history["inner_losses"],
                  history["meta_params"][0], history["final_meta_params"][0]):
        assert np.isfinite(curve).all()


def test_a_run_that_diverges_at_once_returns_empty_curves(data):
    config = MetalearnConfig(activation="relu", inner_steps=10, outer_steps=3)
    history = metalearn([1e20], inner_learned_lr, small(data, 500, 100), config, progress=False)
    assert history["diverged"] and history["diverged_at"] == 0
    assert history["meta_loss"].shape == (0,) and history["inner_losses"].shape == (0, 10)
    assert history["meta_params"][0].shape == (0,) and history["final_meta_params"][0] == np.float32(1e20)


@pytest.mark.parametrize("kwargs, name", [
    ({"inner_steps": 0}, "inner_steps"), ({"outer_steps": 0}, "outer_steps"), ({"inner_lr": -1.0}, "inner_lr"),
    ({"outer_lr": -0.3}, "outer_lr"), ({"optimizer": "adam"}, "optimizer"), ({"activation": "gelu"}, "activation"),
    ({"batch_size": 0}, "batch_size"), ({"mu": 1.5}, "mu"), ({"hidden_noise": -0.1}, "hidden_noise"),
    ({"meta_loss_last": 0}, "meta_loss_last"), ({"meta_loss_last": 201}, "meta_loss_last"),
    ({"grad_clamp": 0.0}, "grad_clamp"), ({"sizes": (40,)}, "sizes"), ({"sizes": (40, 0, 10)}, "sizes"),
])
def test_bad_config_is_an_error(kwargs, name):
    with pytest.raises(ValueError, match=name):
        MetalearnConfig(**kwargs)


def test_the_activation_preset_matches_the_authors_notebook():
    config = ACTIVATION_CONFIG
    assert (config.sizes, config.optimizer, config.inner_lr, config.mu, config.batch_size, config.inner_steps) == \
        ((40, 128, 10), "rmsprop", 1e-2, 0.4, 100, 301)
    assert (config.outer_lr, config.grad_clamp, config.meta_loss_last, config.hidden_noise) == (0.3, 0.1, 200, 0.1)
