# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Metalearning a learning rate (Fig. 6)
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/metalearn_lr.ipynb)
#
# **What the paper reports.** Fig. 6: the learning rate of SGD can be *metalearned* by
# differentiating the mean training loss of a whole inner training run with respect
# to it. Started too low (0.15) or too high (1.5), it converges to the same value,
# **0.62**. The figure takes about a minute on a CPU.
#
# **How we test it.** The authors' notebook: an MLP 40-50-10 with tanh, trained by
# plain SGD for 200 steps of batch 50 on the default 4000 training signals. The outer
# objective is the mean of the 200 inner losses. The outer loop is 50 steps of
# gradient descent with lr 0.3 on the learning rate, each through a fresh unroll
# from fresh initial weights. Unlike the paper's single run, both starts run from
# **several seeds** (initial weights and batch order), each seed one stack of both starts.
#
# Beyond the paper, we evaluate the outer objective on a **grid of fixed learning
# rates**. Its minimum is the rate that metalearning should find, if gradient descent
# on it works.

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"outer_steps": 25} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import matplotlib.pyplot as plt

import mnist1d_lib as m1

ma = m1.metalearn_analysis
run, settings = m1.notebook.start("metalearn_lr", "metalearn_lr", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% [markdown]
# ## Metalearning from both starts, and the grid

# %%
result = run.compute_seeds("chapter", m1.metalearn_analysis.LR_CHAPTER, settings, device)
runs, grid = result["runs"], ma.grid_summary(result["grid"])
ma.lr_table(runs).round(3)

# %% [markdown]
# ## Fig. 6, with seeds
#
# Mean ± std over seeds, for each starting learning rate.

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-metalearn-lr", "caption": "Outer objective (mean inner training loss), final inner training loss and learned learning rate against the outer step, from the starts 0.15 and 1.5, mean ± std over seeds. Grey dashes: the authors' two runs from the same starts (their notebook's log); dotted: the rate they state, ~0.62."}}
fig, axes = plt.subplots(1, 3, figsize=(15, 4))
for ax, (key, ylabel) in zip(axes, [("meta_loss", "outer objective (nats)"), ("final_inner_loss", "final inner loss (nats)"),
                                    ("lr", "learning rate")]):
    m1.plotting.curves_by_setting(ax, ma.curves(runs, key, "start_lr"), "start", ylabel)
for i, authors in enumerate(m1.reference.metalearn_lr_log().values()):
    axes[2].plot(list(authors), list(authors.values()), "--", color="0.5",
                 label=None if i else "authors' runs (every 3rd step)")
paper_lr = m1.reference.metalearn_lr_converged()
axes[2].axhline(paper_lr, color="0.3", ls=":", label=f"paper: {paper_lr:g}")
axes[2].legend(frameon=False)
run.save_figure(fig, "metalearn_lr", source="paper Fig. 6")

# %% [markdown]
# ## Where the outer objective is lowest
#
# The outer objective at fixed learning rates, mean ± std over the inner problems of
# the first outer steps. Grey line: the metalearned rate, mean over seeds and starts.

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-metalearn-lr-grid", "caption": "Outer objective (mean inner training loss of a 200-step SGD run) at fixed learning rates, mean ± std over inner problems; vertical lines: the grid minimum (dashed) and the metalearned rate (dotted)."}}
fig, ax = plt.subplots(figsize=(7, 4))
ax.errorbar(grid["lr"], grid["objective_mean"], yerr=grid["objective_std"], marker="o", ms=3, capsize=2)
best = grid.loc[grid["objective_mean"].idxmin(), "lr"]
learned = ma.lr_table(runs)["final_lr"].mean()
m1.plotting.mark_width(ax, best, f"grid minimum: {best:g}", ls="--")
m1.plotting.mark_width(ax, learned, f"metalearned: {learned:.3f}")
ax.set(xscale="log", xlabel="fixed learning rate", ylabel="outer objective (nats)")
ax.legend(frameon=False)
run.save_figure(fig, "grid")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.record_measurements(run, ma.lr_chapter_measurements(runs, result["grid"]))
m1.notebook.verdicts(run, "metalearn_lr")

# %% [markdown]
# ## Differences from the paper
#
# - Each outer step's initial weights, batch order and hidden noise are seeded by
#   `seed + outer step`. The authors' notebook draws the weights from the global
#   random state and walks through the training set in order.
# - Test accuracy is read on the whole test set after every unroll. The paper does
#   not report it for this figure.
#
# ## Summary
#
# The learned rate from both starts, whether the starts agree, and whether the grid's
# minimum agrees with them, with this run's numbers, follow. The
# [ablations](metalearn_lr_init.ipynb) vary the start, the hidden size and the meta
# learning rate, and look for where metalearning diverges.

# %%
m1.notebook.findings(run, "metalearn_lr")

# %% tags=["remove-output"]
run.save()
