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
# # Ablation: the largest stable meta learning rate
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/metalearn_lr_stability.ipynb)
#
# Part of the [learning-rate chapter](metalearn_lr.ipynb).
#
# **What the seed report {cite}`seedreport` found (2.2.4).** Metalearning diverges (inf or NaN losses) for meta
# learning rates above about 0.35, and already blew up at 0.3 in its table.
#
# **How we test it.** The chapter's inner problem and outer loop (MLP 40-50-10 tanh, SGD for
# 200 steps of batch 50, outer gradient descent, learned rate starting at 0.15 unless the
# ablation sets it), several seeds, every setting and seed as one member of a single stack.
# A run that produces inf or NaN stops and is reported as diverged, with the outer
# step where it happened; it is never plotted.

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"stability_outer_lrs": [0.3, 1.0]} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

ma = m1.metalearn_analysis
run, settings = m1.notebook.start("metalearn_lr_stability", "metalearn_lr", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% [markdown]
# ## Metalearning and results
#
# Every setting of this ablation metalearns at once, one stack per seed; one row per run.

# %%
runs, table = ma.lr_ablation_results(run, settings, "stability", device)
table.round(3)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-metalearn_lr_stability", "caption": "Learned learning rate and outer objective against the outer step for each meta learning rate that did not diverge, mean ± std over seeds."}}
run.save_figure(m1.plotting.curves_figure(*ma.lr_ablation_curves(runs, "stability")), "stability", source="seed report 2.2.4")

# %% [markdown]
# ## Which runs diverged

# %%
ma.divergence_table(table, "outer_lr")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "metalearn_lr_stability")

# %% [markdown]
# ## Differences from the seed report
#
# - The seed report's table shows losses of 1e25 at a meta learning rate of 0.3, the
#   paper's own setting. With the authors' settings we see no such blow-up at 0.3 (table
#   above), so its implementation likely differed; it does not say how.
#
# ## Summary
#
# The divergence table gives, per meta learning rate, how many seeds diverged and when;
# the verdict compares the largest stable rate with the seed report's 0.35.

# %%
m1.notebook.findings(run, "metalearn_lr_stability")

# %% tags=["remove-output"]
run.save()
