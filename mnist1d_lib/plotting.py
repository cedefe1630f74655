"""Figure helpers shared by the notebooks (matplotlib + seaborn)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

# seaborn's "whitegrid" style, "notebook" context and "colorblind" palette, as shipped with
# matplotlib: importing seaborn itself costs ~1 s per notebook (it loads scipy.stats).
BOOK_STYLE = ("seaborn-v0_8-whitegrid", "seaborn-v0_8-notebook", "seaborn-v0_8-colorblind")


RENDERED_WIDTH_PX = 770  # the book's text column at a 1400 px window: figures are shrunk to it
MIN_TEXT_PT = 9.0  # the smallest text a reader should have to read, at the rendered width


def setup() -> None:
    """The book's plotting style (markers with visible edges: the seaborn style's 0 makes x and + invisible)."""
    plt.style.use(BOOK_STYLE)
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 150, "axes.titlesize": "medium",
                         "lines.markeredgewidth": 1.5})


def _draws(handle) -> bool:
    """Whether a legend handle (a line) draws anything: a visible line or a visible marker."""
    from matplotlib.lines import Line2D
    from matplotlib.markers import MarkerStyle

    if not isinstance(handle, Line2D):
        return True
    line = handle.get_linestyle() not in ("None", "", " ") and handle.get_linewidth() > 0
    style = handle.get_marker()
    filled = style not in ("None", "", " ", None) and MarkerStyle(style).is_filled()  # "x", "+": edges only
    marker = style not in ("None", "", " ", None) and handle.get_markersize() > 0 and (
        handle.get_markeredgewidth() > 0 or (filled and handle.get_markerfacecolor() not in ("none", "None")))
    return line or marker


def check_legends(fig) -> None:
    """Raise ValueError for a legend entry whose marker and line draw nothing."""
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            if not _draws(handle):
                raise ValueError(f"legend entry {text.get_text()!r} draws nothing (marker without edge or face)")


def readable(fig) -> None:
    """Scale every text of ``fig`` up so that none is smaller than MIN_TEXT_PT once the
    figure is shrunk to the book's column (RENDERED_WIDTH_PX)."""
    shrink = min(1.0, RENDERED_WIDTH_PX / (fig.get_figwidth() * 72))  # points per point, at the rendered width
    texts = [t for t in fig.findobj(lambda o: hasattr(o, "get_fontsize") and hasattr(o, "get_text"))
             if t.get_text() and t.get_visible()]
    for ax in fig.axes:
        texts += ax.get_xticklabels() + ax.get_yticklabels()
    smallest = min((t.get_fontsize() for t in texts), default=MIN_TEXT_PT) * shrink
    if smallest < MIN_TEXT_PT:
        factor = MIN_TEXT_PT / smallest
        for t in set(texts):
            t.set_fontsize(t.get_fontsize() * factor)
        for ax in fig.axes:  # ticks made later (e.g. at a redraw) take the scaled size too
            sizes = [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
            if sizes:
                ax.tick_params(labelsize=max(sizes))


def mean_band(ax, steps, values, label: str, color=None, **kwargs) -> None:
    """Mean over seeds as a line and mean ± std as a band. ``values``: (seeds, E)."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    mean, std = values.mean(0), values.std(0, ddof=1) if len(values) > 1 else np.zeros(values.shape[1])
    (line,) = ax.plot(steps, mean, label=label, color=color, **kwargs)
    ax.fill_between(steps, mean - std, mean + std, color=line.get_color(), alpha=0.2, linewidth=0)


def bars_vs_paper(ax, labels, ours, paper, paper_err=None, ours_label="ours", paper_label="paper") -> None:
    """Grouped bars: ours (mean ± std over seeds, ``ours``: list of (seeds,) arrays)
    beside the paper's value (± its stated spread)."""
    pos = np.arange(len(labels))
    width = 0.38
    means = [np.mean(v) for v in ours]
    stds = [np.std(v, ddof=1) if len(v) > 1 else 0.0 for v in ours]
    ax.bar(pos - width / 2, paper, width, yerr=paper_err, capsize=3, label=paper_label, color="0.7")
    ax.bar(pos + width / 2, means, width, yerr=stds, capsize=3, label=ours_label)
    for p, values in zip(pos, ours):  # individual seeds as dots
        ax.scatter(np.full(len(values), p + width / 2), values, s=8, color="k", zorder=3)
    ax.set_xticks(pos, labels)
    ax.legend(frameon=False)


def signal(ax, x, t=None, **kwargs) -> None:
    """One MNIST-1D signal (length,) drawn against its time axis."""
    t = np.arange(len(x)) if t is None else t
    ax.plot(t, x, **kwargs)


def errors_against(ax, summary, column: str, log: bool = False, label_prefix: str = "", color=None) -> None:
    """Train (dashed) and test (solid) error, mean ± std over seeds, against ``column``.
    ``summary``: a ``double_descent_analysis.seed_summary`` table with ``train_err_mean`` etc."""
    x = summary[column].to_numpy()
    for kind, style in (("test", "-"), ("train", "--")):
        mean, std = summary[f"{kind}_err_mean"].to_numpy(), np.nan_to_num(summary[f"{kind}_err_std"].to_numpy())
        (line,) = ax.plot(x, mean, style, marker="o", ms=3, color=color, label=f"{label_prefix}{kind}")
        color = line.get_color()
        ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.2, linewidth=0)
    if log:
        ax.set_xscale("log")
        ax.set_xticks([t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if x.min() <= t <= x.max()])
        ax.xaxis.set_major_formatter(mticker.ScalarFormatter())
        ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_ylabel("error (%)")


def mark_width(ax, x: float | None, label: str, color="0.3", ls=":") -> None:
    """A labelled vertical line at ``x`` (nothing when ``x`` is None)."""
    if x is not None:
        ax.axvline(x, color=color, ls=ls, lw=1.2, label=label)


def heatmap(ax, pivot, label: str, fmt: str = ".1f") -> None:
    """An annotated heatmap of a 2-D table (rows × columns) with a colour bar ``label``."""
    import seaborn as sns  # only this figure needs it (see BOOK_STYLE)

    sns.heatmap(pivot, ax=ax, annot=True, fmt=fmt, cmap="viridis", cbar_kws={"label": label})


def errors_figure(summary, column: str, xlabel: str, log: bool = False):
    """A figure of ``errors_against`` alone, for the one-parameter ablations."""
    fig, ax = plt.subplots(figsize=(7, 4))
    errors_against(ax, summary, column, log=log)
    ax.set(xlabel=xlabel)
    ax.legend(frameon=False)
    return fig


def test_error_by_epoch(ax, sweep: dict, label_noise: float, steps_per_epoch: int) -> None:
    """Test error against width, mean over seeds, one line per evaluation (epoch) of a
    ``double_descent.train_sweep`` result, for the members with ``label_noise``."""
    members = pd.DataFrame(sweep["members"])
    chosen = (members["label_noise"] == label_noise).to_numpy()
    test_err = np.asarray(sweep["test_err"])[chosen]  # (members, E)
    epochs = np.asarray(sweep["step"]) // steps_per_epoch
    colors = plt.cm.viridis(np.linspace(0, 1, len(epochs) - 1))
    for e, color in zip(range(1, len(epochs)), colors):  # evaluation 0 is the untrained model
        mean = pd.Series(test_err[:, e]).groupby(members["width"][chosen].to_numpy()).mean()
        ax.plot(mean.index, mean.to_numpy(), color=color, label=f"epoch {epochs[e]}")
    ax.set(xscale="log", ylabel="test error (%)")
    ax.legend(frameon=False, fontsize="small", ncol=2)


def curves_by_setting(ax, curves: dict, label: str, ylabel: str) -> None:
    """One ``mean_band`` per setting: ``curves`` maps a setting's value to its curves
    (seeds, S) over outer steps; lines are coloured from low to high value."""
    colors = plt.cm.viridis(np.linspace(0, 0.9, max(len(curves), 1)))
    for (value, values), color in zip(curves.items(), colors):
        mean_band(ax, np.arange(values.shape[1]), values, f"{label} {value:g}", color=color)
    ax.set(xlabel="outer step", ylabel=ylabel)


def activation_curves(ax, x, curves, n_shown: int = 8) -> None:
    """Learned activation curves (S, n) at ``x`` (n,), for about ``n_shown`` outer
    steps from first (dark) to last (yellow), with the axes drawn in grey."""
    curves = np.asarray(curves, dtype=float)
    shown = np.unique(np.linspace(0, len(curves) - 1, min(n_shown, len(curves))).astype(int))
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    for i, color in zip(shown, plt.cm.viridis(np.linspace(0, 1, len(shown)))):
        ax.plot(x, curves[i], color=color, label=f"step {i}")
    ax.set(xlabel="x", ylabel="activation(x)")
    ax.legend(frameon=False, fontsize="small", ncol=2)


def accuracy_bars(ax, table: pd.DataFrame, highlight: tuple[str, ...] = ()) -> None:
    """Horizontal bars of mean ± std test accuracy (a table with ``mean`` and ``std``
    columns indexed by name), ``highlight`` ed names in a second colour."""
    names = list(table.index)
    colors = ["C1" if n in highlight else "C0" for n in names]
    ax.barh(names, table["mean"], xerr=table["std"].fillna(0), color=colors, capsize=3)
    ax.invert_yaxis()
    ax.set(xlabel="test accuracy (%)", xlim=(max(0.0, float(table["mean"].min()) - 15), None))


def curves_figure(panels: dict, label: str):
    """One panel per entry of ``panels`` (y-axis label -> curves by setting, as for
    ``curves_by_setting``), side by side."""
    fig, axes = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 4), squeeze=False)
    for ax, (ylabel, curves) in zip(axes[0], panels.items()):
        curves_by_setting(ax, curves, label, ylabel)
    axes[0][-1].legend(frameon=False, fontsize="small")
    return fig


def afunc_ablation_figure(members: list[dict], setting: str, label: str, x):
    """Left: test accuracy (mean ± std over fresh seeds, dots: seeds) against
    ``setting``; right: every member's final learned activation on ``x``."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4))
    values = [m[setting] for m in members]
    acc = [np.asarray(m["accuracy"], dtype=float) for m in members]
    pos = np.arange(len(values))
    left.errorbar(pos, [a.mean() for a in acc], yerr=[a.std(ddof=1) if len(a) > 1 else 0 for a in acc],
                  marker="o", capsize=3)
    for p, a in zip(pos, acc):
        left.scatter(np.full(len(a), p), a, s=8, color="k", zorder=3)
    left.set_xticks(pos, [f"{v:g}" for v in values])
    left.set(xlabel=label, ylabel="test accuracy (%)")
    right.axhline(0, color="0.6", lw=0.8)
    right.axvline(0, color="0.6", lw=0.8)
    for m, color in zip(members, plt.cm.viridis(np.linspace(0, 0.9, len(members)))):
        right.plot(x, m["final_curve"], color=color, label=f"{label} {m[setting]:g}")
    right.set(xlabel="x", ylabel="learned activation(x)")
    right.legend(frameon=False, fontsize="small")
    return fig


TICKET_COLORS = {"ticket": "tab:blue", "random": "tab:red", "dense": "0.2"}


def ticket_curves(ax, sparsity, curves: dict, ylabel: str, log: bool = False) -> None:
    """Final ``ylabel`` after each pruning round against sparsity: ``curves`` maps
    ``ticket``/``random`` to (trials, R) values, mean ± std over trials; the dense
    network (round 0 of the ticket, mean over trials) as a dashed line."""
    for label, values in curves.items():
        mean_band(ax, sparsity, values, label, color=TICKET_COLORS[label], marker=".", ms=4)
    ax.axhline(np.mean(np.asarray(curves["ticket"])[:, 0]), color=TICKET_COLORS["dense"], ls="--", lw=1, label="dense")
    ax.set(xlabel="sparsity (fraction of parameters pruned)", ylabel=ylabel, yscale="log" if log else "linear")
    if log:  # the losses span less than a decade: label 1.5, 2, 3, ... rather than 2 x 10^0 only
        ax.yaxis.set_major_locator(mticker.LogLocator(subs=(1.0, 1.5, 2.0, 3.0, 5.0, 7.0)))
        ax.yaxis.set_major_formatter(mticker.FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(mticker.NullFormatter())


def ticket_figure(sparsity, losses: dict, accuracies: dict):
    """Paper Fig. 4a-b: final test loss (log) and accuracy against sparsity."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4))
    ticket_curves(left, sparsity, losses, "final test loss (nats)", log=True)
    ticket_curves(right, sparsity, accuracies, "final test accuracy (%)")
    right.legend(frameon=False, fontsize="small")
    return fig


def asymptote_figure(step, panels: dict, authors: dict | None = None, authors_step: int | None = None):
    """Test accuracy against the training step of the retrained networks: one panel per
    condition (title -> {net: (trials, E)}), mean ± std over trials; the authors' final
    accuracies (``authors``: title -> {net: [% per trial]}, read at ``authors_step``) as
    crosses where our runs reach that step."""
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 3.4), sharey=True, squeeze=False)
    drawn = False
    for ax, (title, nets) in zip(axes[0], panels.items()):
        for net, values in nets.items():
            mean_band(ax, step, values, net, color=TICKET_COLORS[net])
            theirs = (authors or {}).get(title, {}).get(net, [])
            if theirs and authors_step is not None and step[-1] >= authors_step:
                ax.plot([authors_step] * len(theirs), theirs, "x", color=TICKET_COLORS[net], ms=7, mew=1.5)
                drawn = True
        ax.set(title=title, xlabel="training step")
    axes[0][0].set_ylabel("test accuracy (%)")
    if drawn:
        axes[0][-1].plot([], [], "x", color="0.3", ms=7, mew=1.5, label="authors' trials")
    axes[0][-1].legend(frameon=False, fontsize="small")
    return fig


def sort_by_adjacency(mask: np.ndarray) -> np.ndarray:
    """Units (rows of ``mask`` (units, inputs)) ordered by their number of adjacent kept
    inputs, then by kept inputs, most first (the authors' order)."""
    mask = np.asarray(mask, dtype=bool)
    score = (mask[:, 1:] & mask[:, :-1]).sum(1) + 0.001 * mask.sum(1)
    return mask[np.argsort(-score, kind="stable")]


def mask_figure(masks: dict):
    """First-layer masks (title -> (units, inputs) bool), inputs down and units across,
    kept weights dark, units sorted by ``sort_by_adjacency``."""
    fig, axes = plt.subplots(len(masks), 1, figsize=(13, 1.5 * len(masks) + 0.6), sharex=True, squeeze=False,
                             layout="constrained")
    for ax, (title, mask) in zip(axes[:, 0], masks.items()):
        ax.imshow(sort_by_adjacency(mask).T, cmap="Greys", aspect="auto", interpolation="nearest")
        ax.set_title(title, loc="left", fontsize="small")
        ax.set(ylabel="input", yticks=[0, mask.shape[1] - 1])
        ax.grid(False)
    axes[-1, 0].set_xlabel("hidden unit (sorted by adjacent kept inputs)")
    return fig


def ablation_ticket_figure(groups: dict, label: str):
    """One panel per ablation value (value -> (sparsity, {ticket, random: (trials, R)}))
    of final test accuracy against sparsity."""
    fig, axes = plt.subplots(1, len(groups), figsize=(3.6 * len(groups), 3.4), sharey=True, squeeze=False)
    for ax, (value, (sparsity, curves)) in zip(axes[0], groups.items()):
        ticket_curves(ax, sparsity, curves, "")
        ax.set_title(f"{label}: {value}", fontsize="small")
        ax.set_xlabel("sparsity")
    axes[0][0].set_ylabel("final test accuracy (%)")
    axes[0][-1].legend(frameon=False, fontsize="small")
    return fig


def kept_inputs_figure(curves: dict):
    """Fraction of first-layer units keeping each input position, mean ± std over
    trials, per mask kind (``curves``: kind -> (trials, length))."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for kind, values in curves.items():
        mean_band(ax, np.arange(values.shape[1]), 100 * values, kind, color=TICKET_COLORS[kind], marker=".", ms=4)
    ax.set(xlabel="input position", ylabel="units keeping the input (%)")
    ax.legend(frameon=False, fontsize="small")
    return fig


VARIANT_LABELS = {"default": "default projector (1 hidden layer)", "deep": "deep projector (3 hidden layers)",
                  "none": "no projector"}


def guillotine_figure(curves: dict, authors: dict | None = None):
    """Paper Fig. 8 (right): linear-probe accuracy of each layer, mean ± std over seeds,
    one line per projector variant (``curves``: variant -> (layer names, (seeds, layers))),
    and dashed, the authors' single run of each (``authors``: variant -> accuracy per layer,
    in the same layer order). Layers of the same name share a position, so every
    variant's output sits at the right."""
    fig, ax = plt.subplots(figsize=(8, 4.4))
    order = list(dict.fromkeys(n for names, _ in sorted(curves.values(), key=lambda c: -len(c[0])) for n in names))
    order = [n for n in order if n != "output (Z)"] + (["output (Z)"] if "output (Z)" in order else [])
    for i, (variant, (names, probes)) in enumerate(curves.items()):
        positions = [order.index(n) for n in names]
        mean_band(ax, positions, probes, VARIANT_LABELS.get(variant, variant), color=f"C{i}", marker="o", ms=4)
        if authors and variant in authors:
            ax.plot(positions, authors[variant], ls="--", marker="s", ms=5, mfc="none", color=f"C{i}",
                    label=f"{VARIANT_LABELS.get(variant, variant)}: authors' run")
    ax.set_xticks(np.arange(len(order)), order, rotation=30, ha="right")
    ax.set(ylabel="linear-probe test accuracy (%)")
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2)
    return fig


def probe_history_figure(epochs, knn: dict, linear: dict):
    """kNN accuracy on Z and linear-probe accuracy on H during contrastive training,
    mean ± std over seeds, per projector variant (variant -> (seeds, E))."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
    for ax, curves, title in ((left, knn, "kNN (k = 10, cosine) on Z"), (right, linear, "linear probe on H")):
        for variant, values in curves.items():
            mean_band(ax, epochs, values, VARIANT_LABELS.get(variant, variant))
        ax.set(title=title, xlabel="epoch")
    left.set_ylabel("test accuracy (%)")
    right.legend(frameon=False, fontsize="small")
    return fig


def tsne_pair_figure(before: np.ndarray, after: np.ndarray, y: np.ndarray):
    """t-SNE maps (n, 2) of the embedding before and after training, coloured by digit,
    with each digit written at its median position after training."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 5))
    for ax, points, title in zip(axes, (before, after), ("before training", "after training")):
        ax.scatter(points[:, 0], points[:, 1], c=y, s=3, cmap="tab10", vmin=-0.5, vmax=9.5)
        ax.set_title(title)
        ax.set_aspect("equal", "datalim")
        ax.axis("off")
    for digit in range(10):
        mx, my = np.median(after[y == digit], axis=0)
        axes[1].text(mx, my, str(digit), fontsize=13, weight="bold", ha="center", va="center")
    return fig


def head_figure(table: pd.DataFrame):
    """Probe accuracy before (H) and after (Z) each projection head, one pair of bars per head."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    labels = [f"{h} hidden, {w} wide, Z {o}" for h, w, o in
              zip(table["hidden layers"], table["width"], table["output dim"])]
    pos = np.arange(len(labels))
    ax.bar(pos - 0.2, table["probe before head (H)"], 0.4, label="before the head (H)")
    ax.bar(pos + 0.2, table["probe after head (Z)"], 0.4, label="after the head (Z)")
    ax.set_xticks(pos, labels, rotation=30, ha="right")
    ax.set(ylabel="linear-probe test accuracy (%)", ylim=(0, 100))
    ax.legend(frameon=False, fontsize="small")
    return fig


def pooling_figure(sizes, curves: dict, paper: dict | None = None):
    """Paper Fig. 9: final test accuracy against training-set size (log), mean ± std over
    seeds per method (``curves``: method -> (seeds, sizes)); the authors' single runs
    (``paper``: size -> {method: acc}) as crosses."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for method, values in curves.items():
        mean_band(ax, sizes, values, method, marker="o", ms=4)
        if paper:
            points = [(s, paper[s][method]) for s in sizes if s in paper]
            if points:
                ax.plot(*zip(*points), "x", color=ax.lines[-1].get_color(), ms=7, mew=1.5)
    ax.set(xscale="log", xlabel="training signals", ylabel="final test accuracy (%)",
           title="paper Fig. 9: pooling against striding")
    ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    if paper and any(s in paper for s in sizes):
        ax.plot([], [], "x", color="0.3", ms=7, mew=1.5, label="the authors' run (one per cell)")
    ax.legend(frameon=False, fontsize="small")
    return fig
