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
# # Ablation: initial learning rate
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/metalearn_lr_init.ipynb)
#
# Part of the [learning-rate chapter](metalearn_lr.ipynb).
#
# **What the seed report {cite}`seedreport` found (2.2.1).** Different initial learning rates converge to the same
# value.
#
# **How we test it.** The chapter's inner problem and outer loop (MLP 40-50-10 tanh, SGD for
# 200 steps of batch 50, outer gradient descent, learned rate starting from each
# initial value stated below the settings), several seeds, every setting and seed as one member of a single stack.

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"init_lrs": [0.15, 1.5]} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

ma = m1.metalearn_analysis
run, settings = m1.notebook.start("metalearn_lr_init", "metalearn_lr", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% tags=["remove-input"]
m1.notebook.prose('In this run the learned rate starts from {init_lrs}, with seeds {seeds}.', settings)

# %% [markdown]
# ## Metalearning and results
#
# Every setting of this ablation metalearns at once, one stack per seed; one row per run.

# %%
runs, table = ma.lr_ablation_results(run, settings, "init", device)
table.round(3)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-metalearn_lr_init", "caption": "Learned learning rate and outer objective against the outer step for each initial learning rate, mean ± std over seeds."}}
run.save_figure(m1.plotting.curves_figure(*ma.lr_ablation_curves(runs, "init")), "init", source="seed report 2.2.1")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "metalearn_lr_init")

# %% [markdown]
# ## Differences from the seed report
#
# - **Seeds.** The seed report shows one run per setting; every setting here runs several
#   seeds (or trials), and the verdicts account for their spread.
# - **Schedule.** The seed report ran the chapter's schedule. This run's settings beside
#   the paper profile's (the chapter's schedule, the record):

# %%
m1.notebook.schedule_differences(run, "metalearn_lr", ["outer_steps", "init_lrs", "seeds"])

# %% [markdown]
# ## Summary
#
# The table's final learning rates and the verdict say whether the start matters at this
# profile; a run that diverged has no final rate and is marked in the table.

# %%
m1.notebook.findings(run, "metalearn_lr_init")

# %% tags=["remove-output"]
run.save()
