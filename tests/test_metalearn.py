from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn

from mnist1d_lib.learned_activation import inner_learned_activation, init_activation_params
from mnist1d_lib.metalearn import (
    ACTIVATION_CONFIG, SGD, MetalearnConfig, RMSprop, Stack, graph_memory, inner_fixed, inner_learned_lr, init_mlp,
    member_configs, meta_gradient, metalearn, mlp_forward, stack_params, train_inner, unroll,
)

from .conftest import small

TINY = dict(sizes=(40, 5, 10), inner_steps=5, batch_size=10)  # a problem small enough for finite differences
# the learned activation's inner problem: RMSprop, hidden noise, meta-loss over the last 3 inner losses
TINY_ACTIVATION = dict(TINY, optimizer="rmsprop", inner_lr=1e-2, hidden_noise=0.1, meta_loss_last=3)
HISTORY_KEYS = {"step", "meta_loss", "final_inner_loss", "inner_losses", "test_acc", "meta_params",
                "final_meta_params", "diverged", "diverged_at"}


pytestmark = pytest.mark.usefixtures("one_thread")


def _central_difference(f, h=1e-5):
    return (f(h) - f(-h)) / (2 * h)


def _meta_losses(losses, stack):
    """Each member's meta-loss (M,) from the inner losses (inner_steps, M)."""
    return (losses * stack.loss_weights()[:, None]).sum(0)


def _assert_same_history(got, want, rtol=1e-10, atol=1e-12):
    assert set(got) == HISTORY_KEYS
    assert (got["diverged"], got["diverged_at"]) == (want["diverged"], want["diverged_at"])
    np.testing.assert_array_equal(got["step"], want["step"])
    for key in ("meta_loss", "final_inner_loss", "inner_losses", "test_acc"):
        assert got[key].shape == want[key].shape, key
        np.testing.assert_allclose(got[key], want[key], rtol=rtol, atol=atol, err_msg=key)
    for name in ("meta_params", "final_meta_params"):
        assert len(got[name]) == len(want[name])
        for a, b in zip(got[name], want[name]):
            assert np.shape(a) == np.shape(b), name
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=name)


def _solo_meta(meta, m):
    """Member m's meta-parameters as a stack of one."""
    return [np.asarray(p)[m:m + 1] for p in meta]


# --- meta-gradients --------------------------------------------------------------------------------------------------

def test_meta_gradient_of_the_learning_rate_matches_finite_differences(data, float64):
    tiny, stack = small(data, 20, 10), Stack([MetalearnConfig(**TINY)])
    params0 = stack.init_params(0)

    def loss_at(lr):  # through unroll's differentiable losses
        losses, _ = unroll(params0, [lr], stack, inner_learned_lr, tiny)
        return _meta_losses(losses, stack).sum()

    lr = torch.tensor([0.5], requires_grad=True)
    numeric = _central_difference(lambda h: loss_at(torch.tensor([0.5 + h])).item())
    (by_unroll,) = torch.autograd.grad(loss_at(lr), lr)
    losses, (by_meta_gradient,), _ = meta_gradient(params0, [lr], stack, inner_learned_lr, tiny)
    assert by_unroll.shape == by_meta_gradient.shape == (1,)
    assert by_unroll.item() == pytest.approx(numeric, rel=1e-6)
    assert by_meta_gradient.item() == pytest.approx(numeric, rel=1e-6)
    assert numeric != 0
    assert _meta_losses(losses, stack).item() == pytest.approx(loss_at(torch.tensor([0.5])).item(), rel=1e-12)


def test_meta_gradient_of_the_learned_activation_matches_finite_differences(data, float64):
    tiny, stack = small(data, 20, 10), Stack([MetalearnConfig(**TINY_ACTIVATION)])
    params0, meta = stack.init_params(0), init_activation_params([1])
    entry = (2, 0, 0, 7)  # one weight of the meta-MLP's output layer (member 0)

    def loss_at(meta_params):
        losses, _ = unroll(params0, meta_params, stack, inner_learned_activation, tiny)
        return _meta_losses(losses, stack).sum()

    def shifted(delta):
        moved = [p.detach().clone() for p in meta]
        moved[entry[0]][entry[1:]] += delta
        return moved

    numeric = _central_difference(lambda h: loss_at(shifted(h)).item())
    leaves = [p.clone().requires_grad_() for p in meta]
    by_unroll = torch.autograd.grad(loss_at(leaves), leaves)[entry[0]][entry[1:]]
    _, grads, _ = meta_gradient(params0, leaves, stack, inner_learned_activation, tiny)
    assert [g.shape for g in grads] == [p.shape for p in meta]
    assert numeric != 0
    assert by_unroll.item() == pytest.approx(numeric, rel=1e-6)
    assert grads[entry[0]][entry[1:]].item() == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("every", [1, 2, 3, 5])  # 2 and 3 do not divide inner_steps = 5
@pytest.mark.parametrize("learned", ["lr", "activation"])
def test_checkpointing_gives_the_same_meta_gradient_and_losses(data, float64, learned, every):
    tiny = small(data, 20, 10)
    if learned == "lr":  # SGD, no noise
        base, make_inner, meta = MetalearnConfig(**TINY), inner_learned_lr, [torch.tensor([0.5, 0.2])]
    else:  # RMSprop with hidden noise
        base, make_inner, meta = MetalearnConfig(**TINY_ACTIVATION), inner_learned_activation, \
            init_activation_params([1, 2], n_hidden=8)
    configs = member_configs(base, seed=[0, 1])
    plain = Stack(configs)
    checkpointed = Stack([replace(c, checkpoint_every=every) for c in configs])
    params0 = plain.init_params(3)
    leaves = [p.clone().requires_grad_() for p in meta]
    want_losses, want_grads, want_final = meta_gradient(params0, leaves, plain, make_inner, tiny, outer_step=3)
    losses, grads, final = meta_gradient(params0, leaves, checkpointed, make_inner, tiny, outer_step=3)
    assert losses.shape == (5, 2)
    torch.testing.assert_close(losses, want_losses, rtol=1e-10, atol=0)
    assert all(g.abs().max() > 0 for g in want_grads)
    for g, w in zip(grads, want_grads):
        torch.testing.assert_close(g, w, rtol=1e-10, atol=1e-14)
    for p, q in zip(final, want_final):
        torch.testing.assert_close(p, q, rtol=1e-10, atol=1e-14)


def test_checkpointing_shrinks_the_graph_held_at_once(data, float64):
    part = small(data, 100, 20)
    peaks = {}
    for every in (None, 1, 3, 12):
        stack = Stack([MetalearnConfig(sizes=(40, 30, 10), inner_steps=12, batch_size=20, checkpoint_every=every)])
        with graph_memory() as meter:
            meta_gradient(stack.init_params(0), [torch.tensor([0.1], requires_grad=True)], stack, inner_learned_lr,
                          part)
        peaks[every] = meter.peak_bytes
        assert meter.current == 0  # the graph was freed by the backward pass
    assert peaks[12] == peaks[None] > 0  # one segment of all the steps: the whole graph
    assert peaks[1] < peaks[3] < peaks[None] / 2  # one segment's graph at a time


# --- stacking --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("learned", ["lr", "activation"])
def test_a_stack_of_members_equals_each_member_alone(data, float64, learned):
    part = small(data, 100, 50)
    base = MetalearnConfig(sizes=(40, 6, 10), optimizer="rmsprop", inner_steps=6, batch_size=10, meta_loss_last=4,
                           outer_steps=3)
    members = [dict(seed=0, inner_lr=1e-2, mu=0.4, hidden_noise=0.0, outer_lr=0.3),
               dict(seed=5, inner_lr=3e-2, mu=0.9, hidden_noise=0.1, outer_lr=0.1),
               dict(seed=9, inner_lr=5e-3, mu=1.0, hidden_noise=0.3, outer_lr=1.0)]
    configs = [replace(base, **m) for m in members]
    if learned == "lr":
        make_inner, meta = inner_learned_lr, [np.array([0.05, 0.02, 0.1])]
    else:
        make_inner, meta = inner_learned_activation, [p.numpy() for p in init_activation_params([0, 1, 2], n_hidden=8)]
    stacked = metalearn(meta, make_inner, part, configs, progress=False)
    assert len(stacked) == 3
    for m, config in enumerate(configs):
        (alone,) = metalearn(_solo_meta(meta, m), make_inner, part, config, progress=False)
        _assert_same_history(stacked[m], alone)
        assert len(alone["step"]) == 3 and not alone["diverged"]
    assert not np.allclose(stacked[0]["meta_loss"], stacked[1]["meta_loss"])  # the members really differ


def test_padding_to_the_widest_member_is_exact_for_tanh_without_noise(data, float64):
    part = small(data, 100, 50)
    base = MetalearnConfig(inner_steps=6, batch_size=10, outer_steps=3, outer_lr=0.5)
    configs = [replace(base, sizes=(40, width, 10), seed=seed)
               for width, seed in [(5, 0), (9, 1), (13, 2)]]
    assert Stack(configs).padded and Stack(configs).sizes == (40, 13, 10)
    meta = [np.array([0.05, 0.1, 0.2])]
    stacked = metalearn(meta, inner_learned_lr, part, configs, progress=False)
    for m, config in enumerate(configs):
        (alone,) = metalearn(_solo_meta(meta, m), inner_learned_lr, part, config, progress=False)
        _assert_same_history(stacked[m], alone)


def test_padding_is_refused_where_it_would_change_the_result(data):
    part = small(data, 40, 20)
    base = MetalearnConfig(inner_steps=2, batch_size=10, outer_steps=1)

    def widths(**kwargs):
        return [replace(base, **kwargs, sizes=(40, w, 10)) for w in (5, 9)]

    match = "maps 0 to 0"
    with pytest.raises(ValueError, match=match):  # ELU + 0.2 * meta-MLP does not map 0 to 0
        metalearn(init_activation_params([0, 1], n_hidden=4), inner_learned_activation, part, widths(), progress=False)
    with pytest.raises(ValueError, match=match):
        train_inner(Stack(widths()), inner_learned_activation, part, init_activation_params([0, 1], n_hidden=4))
    noisy = widths(activation="relu", hidden_noise=0.1)  # relu maps 0 to 0, but the noise does not stay put
    with pytest.raises(ValueError, match=match):
        metalearn([np.array([0.1, 0.1])], inner_learned_lr, part, noisy, progress=False)
    with pytest.raises(ValueError, match=match):
        train_inner(Stack(noisy), inner_fixed(), part)
    for activation in ("softplus", "sigmoid"):
        with pytest.raises(ValueError, match=match):
            train_inner(Stack(widths(activation=activation)), inner_fixed(), part)
        with pytest.raises(ValueError, match=match):
            metalearn([np.array([0.1, 0.1])], inner_learned_lr, part, widths(activation=activation), progress=False)
    # the same members are fine with relu and no noise, and members of one width are fine with noise
    assert train_inner(Stack(widths(activation="relu")), inner_fixed(), part)["losses"].shape == (2, 2)
    same_width = [replace(base, hidden_noise=0.1, activation="softplus", seed=s)
                  for s in (0, 1)]
    assert train_inner(Stack(same_width), inner_fixed(), part)["losses"].shape == (2, 2)


# --- the functional MLP ---------------------------------------------------------------------------------------------

def _sequential(params, sizes):
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.Tanh()]
    model = nn.Sequential(*layers[:-1])
    with torch.no_grad():
        for p, q in zip(params, model.parameters()):
            q.copy_(p)
    return model


def test_functional_mlp_equals_nn_sequential(float64):
    sizes = (40, 7, 6, 10)
    params = init_mlp(sizes, seed=3)
    x = torch.randn(13, 40)
    one = mlp_forward(stack_params([params]), x[None], torch.tanh)  # a stack of one member
    assert one.shape == (1, 13, 10)
    torch.testing.assert_close(one[0], _sequential(params, sizes)(x), rtol=1e-12, atol=1e-12)
    other = init_mlp(sizes, seed=4)
    xs = torch.randn(2, 13, 40)  # a stack of two: each member on its own inputs
    two = mlp_forward(stack_params([params, other]), xs, torch.tanh)
    for m, p in enumerate([params, other]):
        torch.testing.assert_close(two[m], _sequential(p, sizes)(xs[m]), rtol=1e-12, atol=1e-12)


def test_init_mlp_has_nn_linears_range_and_is_seeded():
    sizes = (40, 7, 6, 10)
    params = init_mlp(sizes, seed=3)
    assert [tuple(p.shape) for p in params] == [(7, 40), (7,), (6, 7), (6,), (10, 6), (10,)]
    for i, fan_in in enumerate(sizes[:-1]):
        for p in params[2 * i:2 * i + 2]:
            assert p.abs().max() <= 1 / np.sqrt(fan_in)
    big = init_mlp((100, 2000), seed=0)[0]  # fills the range: uniform in ±1/sqrt(100)
    assert big.abs().max() > 0.099 and abs(big.mean().item()) < 0.002
    for p, q in zip(params, init_mlp(sizes, seed=3)):
        assert torch.equal(p, q)
    assert not torch.equal(params[0], init_mlp(sizes, seed=4)[0])


def test_stack_params_pads_with_zeros():
    narrow, wide = init_mlp((4, 3, 2), seed=0), init_mlp((4, 6, 2), seed=1)
    stacked = stack_params([narrow, wide])
    assert [tuple(p.shape) for p in stacked] == [(2, 6, 4), (2, 6), (2, 2, 6), (2, 2)]
    for p, q in zip(stacked, wide):
        assert torch.equal(p[1], q)
    W1, b1, W2, b2 = stacked
    assert torch.equal(W1[0, :3], narrow[0]) and torch.equal(W1[0, 3:], torch.zeros(3, 4))
    assert torch.equal(b1[0, :3], narrow[1]) and torch.equal(b1[0, 3:], torch.zeros(3))
    assert torch.equal(W2[0, :, :3], narrow[2]) and torch.equal(W2[0, :, 3:], torch.zeros(2, 3))
    assert torch.equal(b2[0], narrow[3])
    wider = stack_params([narrow], sizes=(5, 8, 2))  # explicit sizes
    assert [tuple(p.shape) for p in wider] == [(1, 8, 5), (1, 8), (1, 2, 8), (1, 2)]
    assert wider[0][0, :, 4].abs().max() == 0 and torch.equal(wider[0][0, :3, :4], narrow[0])
    x = torch.randn(2, 5, 4)  # padded units stay zero with tanh: the narrow member's logits are unchanged
    torch.testing.assert_close(mlp_forward(stacked, x, torch.tanh)[0],
                               mlp_forward(stack_params([narrow]), x[:1], torch.tanh)[0])


# --- hidden noise ----------------------------------------------------------------------------------------------------

def test_hidden_noise_is_uniform_seeded_padded_and_none_without_noise(float64):
    base = MetalearnConfig(sizes=(4, 50, 3), inner_steps=40, hidden_noise=0.1)
    stack = Stack([base, replace(base, sizes=(4, 30, 3), hidden_noise=0.3, seed=1),
                   replace(base, hidden_noise=0.0, seed=2)])
    (noise,) = stack.noise(outer_step=3)  # one hidden layer
    assert noise.shape == (40, 3, 50) and noise.dtype == torch.float64
    assert noise[:, 0].abs().max() <= 0.1 and noise[:, 0].abs().max() > 0.09  # uniform in ±0.1 (2000 draws)
    assert abs(noise[:, 0].mean().item()) < 0.01 and noise[:, 0].std().item() == pytest.approx(0.1 / 3**0.5, rel=0.1)
    assert noise[:, 1, :30].abs().max() <= 0.3 and noise[:, 1, :30].abs().max() > 0.27
    assert torch.equal(noise[:, 1, 30:], torch.zeros(40, 20))  # zero-padded for the narrower member
    assert torch.equal(noise[:, 2], torch.zeros(40, 50))  # the member without noise
    assert len(torch.unique(noise[:, 0])) == 2000  # one draw per unit and step
    assert torch.equal(noise, stack.noise(3)[0])  # seeded by seed + outer step
    assert not torch.equal(noise[:, 0], stack.noise(4)[0][:, 0])
    assert not torch.equal(noise[:, 0], noise[:, 1, :30].repeat(1, 2)[:, :50])
    deep = Stack([MetalearnConfig(sizes=(4, 20, 20, 3), inner_steps=5, hidden_noise=0.1)]).noise(0)
    assert len(deep) == 2 and not torch.equal(deep[0], deep[1])  # each hidden layer its own draws
    quiet = Stack([replace(base, hidden_noise=0.0, seed=s) for s in (0, 1)])
    assert quiet.noise(0) is None


def test_hidden_noise_is_shared_by_the_batch_in_mlp_forward(float64):
    params = stack_params([init_mlp((4, 50, 3), seed=0)])
    stack = Stack([MetalearnConfig(sizes=(4, 50, 3), inner_steps=2, hidden_noise=0.1)])
    step_noise = [n[0] for n in stack.noise(0)]  # (M, width) for inner step 0
    x = torch.randn(1, 5, 4)
    noisy = mlp_forward(params, x, torch.tanh, step_noise)
    same_input = mlp_forward(params, x[:, :1].expand(1, 2, 4), torch.tanh, step_noise)
    assert torch.equal(same_input[0, 0], same_input[0, 1])
    read_out = [params[0], params[1], torch.eye(50)[:3][None], torch.zeros(1, 3)]  # logits = hidden units 0..2
    delta = mlp_forward(read_out, x, torch.tanh, step_noise) - mlp_forward(read_out, x, torch.tanh)
    torch.testing.assert_close(delta, step_noise[0][:, None, :3].expand(1, 5, 3), rtol=0, atol=1e-15)
    assert 0 < delta.abs().max() <= 0.1
    assert not torch.equal(noisy, mlp_forward(params, x, torch.tanh))


# --- inner optimisers ------------------------------------------------------------------------------------------------

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
    assert torch.equal(state[0], torch.ones(6))  # the running mean starts at one
    (p1,), state = opt.step([p], [g1], state)
    (p2,), _ = opt.step([p1], [g2], state)
    s1 = 0.4 * 1.0 + 0.6 * g1.numpy() ** 2
    s2 = 0.4 * s1 + 0.6 * g2.numpy() ** 2
    want1 = p.numpy() - 1e-2 * g1.numpy() / (np.sqrt(s1) + 1e-8)
    np.testing.assert_allclose(p1.numpy(), want1, rtol=1e-12)
    np.testing.assert_allclose(p2.numpy(), want1 - 1e-2 * g2.numpy() / (np.sqrt(s2) + 1e-8), rtol=1e-12)

    (ours,), _ = opt.step([p], [g1], [torch.zeros(6)])  # torch.optim.RMSprop starts the mean at zero
    reference = nn.Parameter(p.clone())
    reference.grad = g1.clone()
    torch.optim.RMSprop([reference], lr=1e-2, alpha=0.4, eps=1e-8).step()
    torch.testing.assert_close(ours, reference.detach(), rtol=1e-12, atol=1e-12)


def test_per_member_lr_and_mu_act_on_their_own_member(float64):
    params, grads = [torch.randn(2, 5, 3), torch.randn(2, 5)], [torch.randn(2, 5, 3), torch.randn(2, 5)]
    lr, mu = torch.tensor([0.3, 0.05]), torch.tensor([0.4, 0.9])
    ours, _ = SGD(lr).step(params, grads, [])
    for m in range(2):
        alone, _ = SGD(lr[m].item()).step([p[m] for p in params], [g[m] for g in grads], [])
        for a, b in zip(ours, alone):
            torch.testing.assert_close(a[m], b, rtol=1e-14, atol=1e-14)
    opt = RMSprop(lr, mu)
    (ours, state) = opt.step(params, grads, opt.init_state(params))
    for m in range(2):
        single = RMSprop(lr[m].item(), mu[m].item())
        alone, alone_state = single.step([p[m] for p in params], [g[m] for g in grads],
                                         single.init_state([p[m] for p in params]))
        for a, b in zip(ours + state, alone + alone_state):
            torch.testing.assert_close(a[m], b, rtol=1e-14, atol=1e-14)


def test_rmsprop_with_mu_one_is_plain_sgd(float64):
    assert MetalearnConfig(optimizer="rmsprop", mu=1.0).mu == 1.0  # allowed
    opt = RMSprop(lr=0.1, mu=1.0, eps=1e-8)
    start, grads = [torch.randn(4, 3)], [[torch.randn(4, 3)] for _ in range(3)]
    params, state, sgd = start, opt.init_state(start), start
    for g in grads:
        params, state = opt.step(params, g, state)
        assert torch.equal(state[0], torch.ones(4, 3))  # the running mean never moves from one
        sgd, _ = SGD(0.1 / (1 + 1e-8)).step(sgd, g, [])
    torch.testing.assert_close(params[0], sgd[0], rtol=1e-12, atol=1e-12)
    want = start[0] - 0.1 * sum(g[0] for g in grads)  # lr / (1 + eps) is lr up to 1e-8
    torch.testing.assert_close(params[0], want, rtol=1e-7, atol=1e-7)


# --- the outer loop --------------------------------------------------------------------------------------------------

def test_metalearning_moves_the_learning_rate_downhill_and_is_deterministic(data):
    part = small(data, 500, 100)
    config = MetalearnConfig(inner_steps=20, outer_steps=3)
    (history,) = metalearn([np.array([0.05])], inner_learned_lr, part, config, progress=False)
    assert set(history) == HISTORY_KEYS
    lrs = history["meta_params"][0]
    assert history["step"].tolist() == [0, 1, 2] and not history["diverged"] and history["diverged_at"] is None
    assert lrs.shape == (3,) and history["final_meta_params"][0].shape == ()
    for key in ("meta_loss", "final_inner_loss", "test_acc"):
        assert history[key].shape == (3,) and np.isfinite(history[key]).all()
    assert history["inner_losses"].shape == (3, 20)
    np.testing.assert_array_equal(history["final_inner_loss"], history["inner_losses"][:, -1])
    np.testing.assert_allclose(history["meta_loss"], history["inner_losses"].mean(1), rtol=1e-6)
    assert ((0 <= history["test_acc"]) & (history["test_acc"] <= 100)).all()
    assert lrs[0] == pytest.approx(0.05) and 0.05 < lrs[1] < lrs[2] < history["final_meta_params"][0]
    stack = Stack([config])
    params0 = stack.init_params(0)  # outer step 0's inner problem, at the start and at the end

    def loss_at(lr):
        losses, _ = unroll(params0, [torch.tensor([lr])], stack, inner_learned_lr, part)
        return _meta_losses(losses, stack).item()

    assert loss_at(0.05) == pytest.approx(history["meta_loss"][0])
    assert loss_at(float(history["final_meta_params"][0])) < loss_at(0.05)
    (again,) = metalearn([np.array([0.05])], inner_learned_lr, part, config, progress=False)
    for key in ("step", "meta_loss", "final_inner_loss", "inner_losses", "test_acc"):
        np.testing.assert_array_equal(history[key], again[key])
    np.testing.assert_array_equal(history["meta_params"][0], again["meta_params"][0])
    np.testing.assert_array_equal(history["final_meta_params"][0], again["final_meta_params"][0])


def test_clamped_activation_metalearning_runs_with_rmsprop(data):
    config = MetalearnConfig(sizes=(40, 16, 10), optimizer="rmsprop", inner_steps=8, batch_size=25, hidden_noise=0.1,
                             meta_loss_last=4, outer_steps=2, grad_clamp=0.1)
    meta = init_activation_params([0], n_hidden=20)
    kept = [p.clone() for p in meta]
    (history,) = metalearn(meta, inner_learned_activation, small(data, 200, 50), config, progress=False)
    assert history["meta_loss"].shape == (2,) and np.isfinite(history["meta_loss"]).all()
    np.testing.assert_allclose(history["meta_loss"], history["inner_losses"][:, -4:].mean(1), rtol=1e-6)
    assert [a.shape for a in history["meta_params"]] == [(2, *p.shape[1:]) for p in meta]
    for start, row, end, was in zip(meta, history["meta_params"], history["final_meta_params"], kept):
        assert torch.equal(start, was)  # the caller's tensors are left alone
        np.testing.assert_array_equal(row[0], start[0].numpy())
        assert np.abs(end - row[1]).max() <= 0.3 * 0.1 + 1e-7  # outer lr times the clamp
        assert np.abs(row[1] - row[0]).max() <= 0.3 * 0.1 + 1e-7
    assert any(np.abs(end - row[1]).max() > 0 for row, end in zip(history["meta_params"], history["final_meta_params"]))


@pytest.mark.parametrize("activation, outer_lr", [
    ("relu", 1e4),  # the learned lr jumps to thousands and the ReLU net's inner losses overflow
    ("tanh", 1e39),  # the learned lr itself overflows float32
])
def test_a_huge_outer_lr_is_reported_as_diverged(data, activation, outer_lr):
    config = MetalearnConfig(activation=activation, inner_steps=10, outer_steps=6, outer_lr=outer_lr)
    (history,) = metalearn([np.array([0.5])], inner_learned_lr, small(data, 500, 100), config, progress=False)
    assert history["diverged"] and history["diverged_at"] == 1
    assert history["step"].tolist() == [0] and history["meta_params"][0].shape == (1,)
    assert history["inner_losses"].shape == (1, 10) and history["test_acc"].shape == (1,)
    for curve in (history["meta_loss"], history["final_inner_loss"], history["inner_losses"], history["test_acc"],
                  history["meta_params"][0], history["final_meta_params"][0]):
        assert np.isfinite(curve).all()


def test_a_run_that_diverges_at_once_returns_empty_curves(data):
    config = MetalearnConfig(activation="relu", inner_steps=10, outer_steps=3)
    (history,) = metalearn([np.array([1e20])], inner_learned_lr, small(data, 500, 100), config, progress=False)
    assert history["diverged"] and history["diverged_at"] == 0
    assert history["step"].shape == (0,) and history["meta_loss"].shape == (0,) and history["test_acc"].shape == (0,)
    assert history["inner_losses"].shape == (0, 10)
    assert history["meta_params"][0].shape == (0,) and history["final_meta_params"][0] == np.float32(1e20)


def test_one_diverging_member_does_not_stop_or_perturb_the_others(data, float64):
    part = small(data, 500, 100)
    base = MetalearnConfig(activation="relu", inner_steps=10, outer_steps=6)
    configs = [replace(base, outer_lr=1e4),  # diverges after an outer step or two
               replace(base, seed=1),
               replace(base, seed=2)]
    meta = [np.array([0.5, 0.05, 1e20])]  # the last member diverges at once
    stacked = metalearn(meta, inner_learned_lr, part, configs, progress=False)
    assert stacked[0]["diverged"] and stacked[0]["diverged_at"] >= 1
    assert not stacked[1]["diverged"] and stacked[1]["step"].tolist() == list(range(6))
    assert stacked[2]["diverged"] and stacked[2]["diverged_at"] == 0
    for m, config in enumerate(configs):
        (alone,) = metalearn(_solo_meta(meta, m), inner_learned_lr, part, config, progress=False)
        _assert_same_history(stacked[m], alone)
        for curve in (stacked[m]["meta_loss"], stacked[m]["inner_losses"], stacked[m]["meta_params"][0]):
            assert np.isfinite(curve).all()


# --- configs and stacks ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, name", [
    ({"inner_steps": 0}, "inner_steps"), ({"outer_steps": 0}, "outer_steps"), ({"inner_lr": -1.0}, "inner_lr"),
    ({"outer_lr": -0.3}, "outer_lr"), ({"optimizer": "adam"}, "optimizer"), ({"activation": "gelu"}, "activation"),
    ({"batch_size": 0}, "batch_size"), ({"mu": 1.5}, "mu"), ({"mu": 0.0}, "mu"),
    ({"hidden_noise": -0.1}, "hidden_noise"), ({"meta_loss_last": 0}, "meta_loss_last"),
    ({"meta_loss_last": 201}, "meta_loss_last"),
    ({"grad_clamp": 0.0}, "grad_clamp"), ({"sizes": (40,)}, "sizes"), ({"sizes": (40, 0, 10)}, "sizes"),
    ({"checkpoint_every": 0}, "checkpoint_every"), ({"checkpoint_every": 201}, "checkpoint_every"),
    ({"inner_steps": 5, "checkpoint_every": 6}, "checkpoint_every"),
])
def test_bad_config_is_an_error(kwargs, name):
    with pytest.raises(ValueError, match=name):
        MetalearnConfig(**kwargs)


def test_good_edge_configs_are_accepted():
    assert MetalearnConfig(mu=1.0).mu == 1.0
    assert MetalearnConfig(inner_steps=5, checkpoint_every=5, meta_loss_last=5).checkpoint_every == 5


def test_a_stack_refuses_members_that_differ_in_a_shared_setting():
    base = MetalearnConfig(inner_steps=5)
    with pytest.raises(ValueError, match="inner_steps"):
        Stack([base, MetalearnConfig(inner_steps=6)])
    with pytest.raises(ValueError, match="optimizer"):
        Stack([base, MetalearnConfig(inner_steps=5, optimizer="rmsprop")])
    with pytest.raises(ValueError, match="depth"):
        Stack([base, MetalearnConfig(inner_steps=5, sizes=(40, 50, 50, 10))])
    with pytest.raises(ValueError, match="input"):
        Stack([base, MetalearnConfig(inner_steps=5, sizes=(30, 50, 10))])
    with pytest.raises(ValueError, match="at least one"):
        Stack([])
    ok = Stack([base, MetalearnConfig(inner_steps=5, seed=3, inner_lr=0.1, mu=0.9, hidden_noise=0.2, outer_lr=1.0)])
    assert len(ok) == 2 and not ok.padded
    torch.testing.assert_close(ok.inner_lr, torch.tensor([1e-2, 0.1]))
    torch.testing.assert_close(ok.mu, torch.tensor([0.4, 0.9]))
    torch.testing.assert_close(ok.hidden_noise, torch.tensor([0.0, 0.2]))
    torch.testing.assert_close(ok.outer_lr, torch.tensor([0.3, 1.0]))


def test_member_configs_orders_the_first_field_slowest_and_rejects_shared_fields():
    base = MetalearnConfig(inner_steps=5)
    configs = member_configs(base, inner_lr=[0.15, 1.5], seed=[0, 1, 2])
    assert [(c.inner_lr, c.seed) for c in configs] == [(0.15, 0), (0.15, 1), (0.15, 2), (1.5, 0), (1.5, 1), (1.5, 2)]
    assert all(c.inner_steps == 5 for c in configs)
    assert member_configs(base) == [base]
    with pytest.raises(ValueError, match="batch_size"):
        member_configs(base, batch_size=[10, 20])
    with pytest.raises(ValueError, match="mu"):  # member values are validated like any config
        member_configs(base, mu=[0.5, 2.0])


def test_metalearn_refuses_meta_params_without_one_entry_per_config(data):
    configs = member_configs(MetalearnConfig(inner_steps=2, outer_steps=1), seed=[0, 1])
    with pytest.raises(ValueError, match="leading member axis of 2"):
        metalearn([np.array([0.05])], inner_learned_lr, small(data, 40, 20), configs, progress=False)
    with pytest.raises(ValueError, match="leading member axis of 2"):
        metalearn([np.array([0.05, 0.05, 0.05])], inner_learned_lr, small(data, 40, 20), configs, progress=False)
    with pytest.raises(ValueError, match="leading member axis of 2"):
        metalearn(init_activation_params([0], n_hidden=4), inner_learned_activation, small(data, 40, 20), configs,
                  progress=False)


# --- train_inner -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("learned", ["lr", "activation"])
def test_train_inner_gives_the_losses_of_meta_gradient(data, float64, learned):
    part = small(data, 100, 50)
    if learned == "lr":
        base, make_inner, meta = MetalearnConfig(**TINY), inner_learned_lr, [torch.tensor([0.3, 0.1])]
    else:
        base, make_inner, meta = MetalearnConfig(**TINY_ACTIVATION), inner_learned_activation, \
            init_activation_params([0, 1], n_hidden=8)
    configs = member_configs(base, seed=[0, 4])
    stack = Stack(configs)
    got = train_inner(stack, make_inner, part, [p.numpy() for p in meta], outer_step=2)
    want, _, _ = meta_gradient(stack.init_params(2), [p.clone().requires_grad_() for p in meta], stack, make_inner,
                               part, outer_step=2)
    assert isinstance(got["losses"], np.ndarray) and got["losses"].shape == (5, 2)
    np.testing.assert_allclose(got["losses"], want.numpy(), rtol=1e-12)
    assert got["test_acc"].shape == (2,) and ((0 <= got["test_acc"]) & (got["test_acc"] <= 100)).all()
    # and the test accuracy of metalearn's first step (outer step 0)
    history = metalearn([p.numpy() for p in meta], make_inner, part, [replace(c, outer_steps=1) for c in configs],
                        progress=False)
    at_zero = train_inner(stack, make_inner, part, [p.numpy() for p in meta], outer_step=0)
    for m in range(2):
        np.testing.assert_allclose(history[m]["inner_losses"][0], at_zero["losses"][:, m], rtol=1e-12)
        assert history[m]["test_acc"][0] == pytest.approx(at_zero["test_acc"][m])


def test_train_inner_with_a_fixed_activation_uses_each_members_learning_rate(data, float64):
    part = small(data, 100, 50)
    configs = member_configs(MetalearnConfig(**TINY), inner_lr=[0.3, 0.1])
    got = train_inner(Stack(configs), inner_fixed(), part)
    want = train_inner(Stack(configs), inner_learned_lr, part, [np.array([0.3, 0.1])])
    np.testing.assert_allclose(got["losses"], want["losses"], rtol=1e-12)
    np.testing.assert_allclose(got["test_acc"], want["test_acc"])
    relu = train_inner(Stack(configs), inner_fixed(torch.relu), part)  # the activation given overrides the config's
    assert not np.allclose(relu["losses"][1:], got["losses"][1:])


# --- presets ---------------------------------------------------------------------------------------------------------

def test_the_activation_preset_matches_the_authors_notebook():
    config = ACTIVATION_CONFIG
    assert (config.sizes, config.optimizer, config.inner_lr, config.mu, config.batch_size, config.inner_steps) == \
        ((40, 128, 10), "rmsprop", 1e-2, 0.4, 100, 301)
    assert (config.outer_lr, config.grad_clamp, config.meta_loss_last, config.hidden_noise) == (0.3, 0.1, 200, 0.1)


def test_hidden_noise_is_drawn_apart_from_the_initial_weights():
    config = MetalearnConfig(sizes=(40, 5, 10), inner_steps=5, batch_size=10, hidden_noise=0.1)
    stack = Stack([config])
    noise = stack.noise(0)[0][:, 0].flatten() / 0.1  # uniform in ±1
    weights = stack.init_params(0)[0][0].flatten()[:25] * np.sqrt(40)  # uniform in ±1, same seed
    assert not torch.allclose(noise, weights)
    assert abs(np.corrcoef(noise.numpy(), weights.numpy())[0, 1]) < 0.6


def test_meta_parameters_may_require_grad_but_need_a_member_axis(data):
    config = MetalearnConfig(inner_steps=3, outer_steps=1)
    part = small(data, 200, 50)
    (history,) = metalearn([torch.tensor([0.05], requires_grad=True)], inner_learned_lr, part, [config],
                           progress=False)
    assert history["meta_params"][0].shape == (1,)
    with pytest.raises(ValueError, match="leading member axis"):
        metalearn([0.05], inner_learned_lr, part, [config], progress=False)
