"""The GRU recurrence with a hand-written backward pass through time.

On a CPU, models this small spend their time on per-operation overhead; recording
~25 autograd nodes per time step made the GRU the slowest model of the book.
``gru_recurrence`` runs the recurrence without autograd and back-propagates
through time by hand with about a dozen operations per step. Equations are
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
    """gi (G, T, B, 3H) input projections with r/z hidden biases folded in,
    w (G, H, 3H) transposed hidden weights, b_hn (G, 1, H) -> states (G, T, B, H).
    G counts independent recurrences (members x directions)."""

    @staticmethod
    def forward(ctx, gi, w, b_hn):
        n_groups, steps, batch, three_h = gi.shape
        n_hidden = three_h // 3
        states = gi.new_empty(n_groups, steps, batch, n_hidden)
        rz_all = gi.new_empty(n_groups, steps, batch, 2 * n_hidden)
        n_all = gi.new_empty(n_groups, steps, batch, n_hidden)
        hn_all = gi.new_empty(n_groups, steps, batch, n_hidden)  # W_hn h + b_hn
        h = gi.new_zeros(n_groups, batch, n_hidden)
        for t in range(steps):
            gh = torch.bmm(h, w)  # (G, B, 3H)
            g = gi[:, t]
            rz = torch.sigmoid(g[..., : 2 * n_hidden] + gh[..., : 2 * n_hidden])
            hn = gh[..., 2 * n_hidden :] + b_hn
            n = torch.tanh(g[..., 2 * n_hidden :] + rz[..., :n_hidden] * hn)
            h = n + rz[..., n_hidden:] * (h - n)
            rz_all[:, t], n_all[:, t], hn_all[:, t], states[:, t] = rz, n, hn, h
        ctx.save_for_backward(w, states, rz_all, n_all, hn_all)
        return states

    @staticmethod
    def backward(ctx, d_states):
        w, states, rz_all, n_all, hn_all = ctx.saved_tensors
        n_groups, steps, batch, n_hidden = states.shape
        d_gi = torch.empty(n_groups, steps, batch, 3 * n_hidden, dtype=states.dtype, device=states.device)
        d_hn = torch.empty_like(states)  # gradient of W_hn h + b_hn
        w_t = w.transpose(1, 2)  # (G, 3H, H)
        dh = torch.zeros_like(states[:, 0])
        zeros = torch.zeros_like(dh)
        for t in reversed(range(steps)):
            dh = dh + d_states[:, t]
            h_prev = states[:, t - 1] if t > 0 else zeros
            r, z = rz_all[:, t, :, :n_hidden], rz_all[:, t, :, n_hidden:]
            n = n_all[:, t]
            d_an = dh * (1 - z) * (1 - n * n)  # through n = tanh(a_n)
            d_ar = d_an * hn_all[:, t] * r * (1 - r)
            d_az = dh * (h_prev - n) * z * (1 - z)
            d_gi[:, t, :, :n_hidden], d_gi[:, t, :, n_hidden : 2 * n_hidden], d_gi[:, t, :, 2 * n_hidden :] = (
                d_ar, d_az, d_an)
            d_hn[:, t] = d_an * r
            d_gh = torch.cat([d_ar, d_az, d_hn[:, t]], dim=-1)  # (G, B, 3H)
            dh = dh * z + torch.bmm(d_gh, w_t)
        # hidden-weight gradient over all steps at once: sum_t h_{t-1}^T d_gh_t
        h_prev_all = torch.cat([zeros[:, None], states[:, :-1]], dim=1).flatten(1, 2)  # (G, T*B, H)
        d_gh_all = torch.cat([d_gi[..., : 2 * n_hidden], d_hn], dim=-1).flatten(1, 2)  # (G, T*B, 3H)
        d_w = torch.bmm(h_prev_all.transpose(1, 2), d_gh_all)
        d_b_hn = d_hn.sum(dim=(1, 2)).unsqueeze(1)
        return d_gi, d_w, d_b_hn


def gru_recurrence(x: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
                   b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Hidden states of G independent single-input GRUs, all starting from h = 0.

    x (G, B, T) scalar inputs; w_ih (G, 3H, 1), w_hh (G, 3H, H), b_ih and b_hh
    (G, 3H) in ``nn.GRU``'s layout (gates r, z, n). Returns (G, T, B, H).
    """
    n_hidden = w_hh.shape[-1]
    b_fold = b_ih + torch.cat([b_hh[:, : 2 * n_hidden], torch.zeros_like(b_hh[:, 2 * n_hidden :])], dim=-1)
    gi = x.transpose(1, 2).unsqueeze(-1) * w_ih[:, None, None, :, 0] + b_fold[:, None, None, :]  # (G, T, B, 3H)
    return _Recurrence.apply(gi.contiguous(), w_hh.transpose(1, 2).contiguous(), b_hh[:, None, 2 * n_hidden :])
