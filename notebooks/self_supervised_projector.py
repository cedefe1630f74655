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
# # Ablation: the projection head
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/self_supervised_projector.ipynb)
#
# Part of the [self-supervised chapter](self_supervised.ipynb).
#
# **What the seed report {cite}`seedreport` did (2.5.2).** It compared projection heads by the probe
# accuracy before and after the head. It showed plots and stated no conclusion.
#
# **How we test it.** We vary one property of the default head at a time: its depth
# (hidden layers), its width and the size of its output Z (the values are stated below the
# settings). Every head trains its seeds as one stack, for a shorter schedule than the
# chapter's. A linear probe then reads H (before the head) and Z
# (after it).

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"head_epochs": 100} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

run, settings = m1.notebook.start("self_supervised_projector", "ssl", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% tags=["remove-input"]
m1.notebook.prose('In this run: heads of {head_depths} hidden layers, of width {head_widths} and with outputs Z of {head_out_dims} dimensions, each with seeds {head_seeds}, for {head_epochs} epochs.', settings)

# %% [markdown]
# ## Probe accuracy before and after each head
#
# Means over seeds. The last column is how much the head loses.

# %%
rows, table = m1.ssl_analysis.head_results(run, settings, device)
table

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-ssl-projector", "caption": "Linear-probe test accuracy before (H) and after (Z) each projection head, mean over seeds; heads differ from the default (1 hidden layer, 125 wide, Z of 16) in one property."}}
run.save_figure(m1.plotting.head_figure(table), "heads", source="seed report 2.5.2")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "self_supervised_projector")

# %% [markdown]
# ## Differences from the seed report
#
# - **Seeds.** The seed report shows one run per setting; every setting here runs several
#   seeds (or trials), and the verdicts account for their spread.
# - **Schedule.** The seed report ran the chapter's schedule. This run's settings beside
#   the paper profile's (the chapter's schedule, the record):

# %%
m1.notebook.schedule_differences(run, "ssl", ["head_epochs", "head_seeds"])

# %% [markdown]
# ## Summary
#
# The table shows which heads cost the probe the most. A head with no hidden layer is a
# linear map, so it cannot remove information that a linear probe could read, except by
# reducing dimensions. The verdict says whether H beats Z for every head and seed.

# %%
m1.notebook.findings(run, "self_supervised_projector")

# %% tags=["remove-output"]
run.save()
