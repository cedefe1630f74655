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
# # Ablation: hidden size at a fixed depth
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/double_descent_width.ipynb)
#
# Part of the [double-descent chapter](double_descent.ipynb).
#
# **What the seed report {cite}`seedreport` found (2.1.3).** Varying the hidden size gives a curve of
# the same shape as varying the number of layers (a peak, then descent).
#
# **How we test it.** A deeper MLP (its depth in the line below the settings) over a
# grid of widths, 15 % label noise, the chapter's optimiser (500 epochs in the record, 150 in the one-hour `full` profile), several seeds; all trained at
# once with zero-padding of the narrower members. We report the height of the
# test-error peak above the classical minimum (a new measurement: the seed report gives
# no number).

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

run, settings = m1.notebook.start("double_descent_width", "dd_ablations", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% tags=["remove-input"]
m1.notebook.prose("In this run: {depth_for_widths} hidden layers of widths {widths}, label noise {label_noise}, {epochs} epochs.", settings)

# %% [markdown]
# ## Training and results
#
# Every setting and seed of this ablation trains at once; mean ± std over seeds.

# %%
table, summary = m1.double_descent_analysis.ablation_results(run, settings, "width", device)
summary.round(2)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-double_descent_width", "caption": "Train (dashed) and test (solid) error against hidden units per layer for the deeper MLP, mean ± std over seeds, 15 % label noise."}}
run.save_figure(m1.plotting.errors_figure(summary, *m1.double_descent.ABLATIONS["width"], log=True), "width", source="seed report 2.1.3")

# %%
m1.notebook.best_and_worst(summary)

# %% [markdown]
# ## Verdicts
#
# A peak height near 0 means the test error only falls with width.

# %%
m1.notebook.verdicts(run, "double_descent_width")

# %% [markdown]
# ## Differences from the seed report
#
# - The seed report does not say which depth it held fixed; we hold the depth given in
#   the settings table, one the chapter does not cover.
#
# ## Summary
#
# The table of lowest and highest test error and the verdict above answer the seed
# report's statement for this ablation at this profile; the figure shows the whole
# curve with its spread over seeds.

# %%
m1.notebook.findings(run, "double_descent_width")

# %% tags=["remove-output"]
run.save()
