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
# # Pooling and sample efficiency (Fig. 9)
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/pooling.ipynb)
#
# **What the paper reports.** Fig. 9: pooling helps a CNN a lot when training data are
# scarce and matters little when they are plentiful. Max, average and L2 pooling beat
# striding and no downsampling at 1,000 training signals, by about 18 points in the
# authors' run. At 50,000 signals the methods are within a few points.
#
# **How we test it.** The authors' notebook: two convolutions (20 channels, kernel 3),
# each followed by the downsampling under test, and a linear read-out. Adam (lr 1e-2,
# batch 100) runs for 6000 steps at every training-set size, with 1000 test signals.
# Unlike the authors' single run per cell, every size trains **several seeds**. Every
# size and seed of one method is a member of **one stack**. The sizes are nested
# subsets of one generated training set and share one test set, so sizes differ only
# in the amount of data.

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"steps": 3000} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

pa = m1.pooling_analysis
run, settings = m1.notebook.start("pooling", "pooling", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% [markdown]
# ## Training every method at every size
#
# One progress bar per method. Final test accuracy, mean ± std over seeds; the
# authors' single run is in brackets.

# %%
result = pa.chapter_results(run, settings, device)
pa.accuracy_table(result)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-pooling", "caption": "Final test accuracy against the number of training signals (log scale) for no downsampling, stride 2, and max, average and L2 pooling, mean ± std over seeds; crosses: the authors' single run per cell."}}
sizes, curves = pa.accuracy_curves(result)
run.save_figure(m1.plotting.pooling_figure(sizes, curves, pa.PAPER_FINAL_ACC), "pooling")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "pooling")

# %% [markdown]
# ## Differences from the paper
#
# - The training sets are nested subsets of one generated set of 50,000 signals, with
#   one shared test set. The authors generate a new dataset for every size.
# - The `full` profile trains 1500 steps instead of 6000: 150 epochs at 1k signals, 3 at
#   50k. Six thousand steps of all five methods, sizes and seeds would take about 35
#   minutes on this CPU.
# - Several seeds per cell, where the authors ran one. The initial weights differ
#   between seeds, while the authors' used seed 0 for every model.
#
# ## Summary
#
# The verdicts say whether every pooling method beats both non-pooling methods with
# little data, and whether that margin shrinks with more data. Both margins are also
# compared with the authors' run.

# %%
m1.notebook.findings(run, "pooling")

# %% tags=["remove-output"]
run.save()
