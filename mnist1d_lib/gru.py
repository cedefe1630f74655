"""The GRU recurrence with a hand-written backward pass through time.

On a CPU, models this small spend their time on per-operation overhead; recording
~25 autograd nodes per time step made the GRU the slowest model of the book.
``gru_recurrence`` runs the recurrence without autograd and back-propagates
through time by hand with about six operations per step. Equations are
those of ``nn.GRU`` (a test checks outputs against it and gradients against
finite differences):

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h = n + z * (h - n)
"""
from __future__ import annotations

import torch


class _Recurrence(torch.autograd.Function):
    """Time-major: gi (T, G, B, 3H) input projections with the r/z hidden biases
    folded in, w (G, H, 3H) transposed hidden weights, b_hn (G, 1, H)
    -> states (T, G, B, H). G counts independent recurrences (members x directions).

    Both loops keep only what is sequential (about six operations per step) and
    work on contiguous per-step slices; everything element-wise that does not
    depend on the next step is computed for all steps at once."""

    @staticmethod
    def forward(ctx, gi, w, b_hn):
        steps, n_groups, batch, three_h = gi.shape
        n_hidden = three_h // 3
        bias = torch.cat([torch.zeros_like(b_hn), torch.zeros_like(b_hn), b_hn], dim=-1)  # (G, 1, 3H)
        h = gi.new_zeros(n_groups, batch, n_hidden)
        states, r_all, z_all, n_all, hn_all = [], [], [], [], []
        for g in gi.unbind(0):  # g (G, B, 3H)
            gh = torch.baddbmm(bias, h, w)  # W_h h (+ b_hn on the n gate): (G, B, 3H)
            r, z = torch.sigmoid(g[..., : 2 * n_hidden] + gh[..., : 2 * n_hidden]).chunk(2, dim=-1)
            hn = gh[..., 2 * n_hidden :]
            n = torch.tanh(torch.addcmul(g[..., 2 * n_hidden :], r, hn))
            h = torch.lerp(n, h, z)  # n + z * (h - n)
            for store, value in ((states, h), (r_all, r), (z_all, z), (n_all, n), (hn_all, hn)):
                store.append(value)
        states = torch.stack(states)
        ctx.save_for_backward(w, states, *(torch.stack(v) for v in (r_all, z_all, n_all, hn_all)))
        return states

    @staticmethod
    def backward(ctx, d_states):
        w, states, r, z, n, hn = ctx.saved_tensors  # (T, G, B, H) each, contiguous
        steps, n_hidden = states.shape[0], states.shape[-1]
        h_prev = torch.cat([torch.zeros_like(states[:1]), states[:-1]])
        # d(gate pre-activation)/d(h_t) for each gate, for all steps at once
        d_an_dh = (1 - z) * (1 - n * n)  # n = tanh(a_n)
        d_gh_dh = torch.cat([d_an_dh * hn * r * (1 - r),  # r gate
                             (h_prev - n) * z * (1 - z),  # z gate
                             d_an_dh * r], dim=-1)  # W_hn h + b_hn: (T, G, B, 3H)
        w_t = w.transpose(1, 2).contiguous()  # (G, 3H, H)
        dh = torch.zeros_like(states[0])
        dh_all = [None] * steps
        d_states_t, d_gh_dh_t, z_t = d_states.contiguous().unbind(0), d_gh_dh.unbind(0), z.unbind(0)
        for t in reversed(range(steps)):
            dh = dh + d_states_t[t]
            dh_all[t] = dh
            d_gh = torch.cat([dh, dh, dh], dim=-1) * d_gh_dh_t[t]  # (G, B, 3H); cat is faster than repeat here
            dh = torch.baddbmm(dh * z_t[t], d_gh, w_t)  # gradient reaching h_{t-1}
        dh_all = torch.stack(dh_all)  # (T, G, B, H)
        d_gh = torch.cat([dh_all, dh_all, dh_all], dim=-1) * d_gh_dh  # (T, G, B, 3H)
        d_gi = torch.cat([d_gh[..., : 2 * n_hidden], dh_all * d_an_dh], dim=-1)  # the n gate's input: d a_n
        # sum over steps and batch of h_{t-1}^T d_gh_t, per group
        d_w = torch.einsum("tgbh,tgbk->ghk", h_prev, d_gh)
        d_b_hn = d_gh[..., 2 * n_hidden :].sum(dim=(0, 2)).unsqueeze(1)
        return d_gi, d_w, d_b_hn


def gru_recurrence(x: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
                   b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Hidden states of G independent single-input GRUs, all starting from h = 0.

    x (G, B, T) scalar inputs; w_ih (G, 3H, 1), w_hh (G, 3H, H), b_ih and b_hh
    (G, 3H) in ``nn.GRU``'s layout (gates r, z, n). Returns (T, G, B, H).
    """
    n_hidden = w_hh.shape[-1]
    b_fold = b_ih + torch.cat([b_hh[:, : 2 * n_hidden], torch.zeros_like(b_hh[:, 2 * n_hidden :])], dim=-1)
    gi = x.permute(2, 0, 1).unsqueeze(-1) * w_ih[None, :, None, :, 0] + b_fold[None, :, None, :]  # (T, G, B, 3H)
    return _Recurrence.apply(gi.contiguous(), w_hh.transpose(1, 2).contiguous(), b_hh[:, None, 2 * n_hidden :])
