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
# # Ablation: dropout rate
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/double_descent_dropout.ipynb)
#
# Part of the [double-descent chapter](double_descent.ipynb).
#
# **What the seed report {cite}`seedreport` found (2.1.4).** Train and test error both increase with
# the dropout rate, so no dropout is best (the report reads this as underfitting).
#
# **How we test it.** The chapter's two-hidden-layer MLP with 15 % label noise (the
# chapter's optimiser, 500 epochs in the record, 150 in the one-hour `full` profile) and
# dropout after each hidden layer at rates 0 to 0.5. The record also runs the rates on the
# seed report's own base, an MLP of 10 hidden units in 1 layer without label noise (its
# Table 1). Every rate and seed trains in one stacked model (each member has its own rate).

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"epochs": 300} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

run, settings = m1.notebook.start("double_descent_dropout", "dd_ablations", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% tags=["remove-input"]
m1.notebook.prose("In this run: hidden layers of {width} units, dropout rates {dropouts}, {epochs} epochs.", settings)

# %% [markdown]
# ## Training and results
#
# Every setting and seed of this ablation trains at once; mean ± std over seeds.

# %%
table, summary = m1.double_descent_analysis.ablation_results(run, settings, "dropout", device)
summary.round(2)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-double_descent_dropout", "caption": "Train (dashed) and test (solid) error against the dropout rate, mean ± std over seeds, 15 % label noise. Train error is measured without dropout."}}
run.save_figure(m1.plotting.errors_figure(summary, *m1.double_descent.ABLATIONS["dropout"], log=False), "dropout", source="seed report 2.1.4")

# %% [markdown]
# ## On the seed report's own model
#
# The seed report's Table 1 used one hidden layer of 10 units and clean labels. The record
# runs the same dropout rates on that model too (empty where the profile does not).

# %%
m1.double_descent_analysis.report_base_summary(table).round(2)

# %%
m1.notebook.best_and_worst(summary)

# %% [markdown]
# ## Verdicts
#
# Near the interpolation threshold, where double descent puts its peak, regularisation could
# be expected to help; the verdict says whether it does here.

# %%
m1.notebook.verdicts(run, "double_descent_dropout")

# %% [markdown]
# ## Differences from the seed report
#
# - Dropout here is inverted dropout after each hidden ReLU (as `nn.Dropout`), drawn
#   per member; the seed report's placement is not stated.
#
# ## Summary
#
# The table of lowest and highest test error and the verdict above answer the seed
# report's statement for this ablation at this profile; the figure shows the whole
# curve with its spread over seeds.

# %%
m1.notebook.findings(run, "double_descent_dropout")

# %% tags=["remove-output"]
run.save()
