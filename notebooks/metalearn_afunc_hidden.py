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
# # Ablation: hidden size, and the memory of the unroll
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/metalearn_afunc_hidden.ipynb)
#
# Part of the [activation-function chapter](metalearn_afunc.ipynb).
#
# **What the seed report {cite}`seedreport` found (2.3.2).** Test accuracy rises with the hidden size (59.4, 63.4
# and 69.0 % for 50, 100 and 200 units). Sizes 400 and 500 ran out of memory, even on a GPU.
#
# **How we test it.** The chapter's inner problem and outer loop (MLP 40-128-10, RMSprop lr
# 0.01, 301 inner steps, meta-loss over the last 200), one metalearning run per value: the
# chapter's 301 outer steps in the record, a few in the one-hour `full` profile (see the
# settings). Test accuracy is that of the final learned
# activation, retrained from the chapter's fresh seeds under the member's own settings
# (mean ± std).
#
# **Memory.** Backpropagating through 301 inner steps keeps every step's graph. For wide
# MLPs we keep only the inner state every few steps (the settings table gives how many) and rebuild one
# segment's graph at a time during the backward pass. This is exact (a test checks it)
# and costs about 1.5x the compute. The table gives the largest autograd graph held at
# once, in MB (column `graph_mb`), and for comparison the graph without checkpointing
# (`graph_mb_unchecked`), measured on a 10-step unroll and scaled to the full length.

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"hidden_sizes": [50, 100]} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

ma = m1.metalearn_analysis
run, settings = m1.notebook.start("metalearn_afunc_hidden", "metalearn_afunc", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% [markdown]
# ## Metalearning, retraining and results
#
# Hidden sizes differ in shape, and a learned activation cannot be zero-padded, so each size is its own run, one after another.

# %%
members, table = ma.afunc_ablation_results(run, settings, "hidden", device)
m1.notebook.compact(table)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-metalearn_afunc_hidden", "caption": "Test accuracy (mean ± std over fresh seeds) against the hidden size, and each size's final learned activation."}}
fig = m1.plotting.afunc_ablation_figure(members, ma.afunc_setting("hidden"), m1.metalearn_afunc.ABLATIONS["hidden"][1],
                                        m1.metalearn_afunc.CURVE_X)
run.save_figure(fig, "hidden", source="seed report 2.3.2")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "metalearn_afunc_hidden")

# %% [markdown]
# ## Differences from the seed report
#
# - **Seeds.** The seed report shows one run per setting; every setting here runs several
#   seeds (or trials), and the verdicts account for their spread.
# - **Schedule.** The seed report ran the chapter's schedule. This run's settings beside
#   the paper profile's (the chapter's schedule, the record):

# %%
m1.notebook.schedule_differences(run, "metalearn_afunc", ["hidden_outer_steps", "hidden_sizes", "fresh_seeds"])

# %% [markdown]
# ## Summary
#
# Every hidden size up to the widest now runs on this machine. The table gives its graph
# memory with and without checkpointing, and the process's peak resident memory. The
# verdict checks whether accuracy rises with width. After a few outer steps (the `full`
# profile) this is mostly the inner MLP's capacity; the record metalearns 301.

# %%
m1.notebook.findings(run, "metalearn_afunc_hidden")

# %% tags=["remove-output"]
run.save()
