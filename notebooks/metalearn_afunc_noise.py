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
# # Ablation: the hidden-unit noise
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/metalearn_afunc_noise.ipynb)
#
# Part of the [activation-function chapter](metalearn_afunc.ipynb).
#
# **What the seed report {cite}`seedreport` found (2.3.3).** Removing the ±0.1 noise on the hidden units, which the
# authors' notebook calls "IMPORTANT" for smooth meta-gradients, hardly changes test accuracy
# (67.4 % with, 67.6 % without).
#
# **How we test it.** The chapter's inner problem and outer loop (MLP 40-128-10, RMSprop lr
# 0.01, 301 inner steps, meta-loss over the last 200), one metalearning run per value: the
# chapter's 301 outer steps in the record, a few in the one-hour `full` profile (see the
# settings). Test accuracy is that of the final learned
# activation, retrained from the chapter's fresh seeds under the member's own settings
# (mean ± std).

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"noise_levels": [0.0, 0.2]} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

ma = m1.metalearn_analysis
run, settings = m1.notebook.start("metalearn_afunc_noise", "metalearn_afunc", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% [markdown]
# ## Metalearning, retraining and results
#
# With and without noise metalearn at once, as one stack from the same seed.

# %%
members, table = ma.afunc_ablation_results(run, settings, "noise", device)
table.round(2)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-metalearn_afunc_noise", "caption": "Test accuracy (mean ± std over fresh seeds) with and without hidden-unit noise, and the final learned activations."}}
fig = m1.plotting.afunc_ablation_figure(members, ma.afunc_setting("noise"), m1.metalearn_afunc.ABLATIONS["noise"][1],
                                        m1.metalearn_afunc.CURVE_X)
run.save_figure(fig, "noise", source="seed report 2.3.3")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "metalearn_afunc_noise")

# %% [markdown]
# ## Differences from the seed report
#
# - **Seeds.** The seed report shows one run per setting; every setting here runs several
#   seeds (or trials), and the verdicts account for their spread.
# - **Schedule.** The seed report ran the chapter's schedule. This run's settings beside
#   the paper profile's (the chapter's schedule, the record):

# %%
m1.notebook.schedule_differences(run, "metalearn_afunc", ["ablation_outer_steps", "noise_levels", "fresh_seeds"])

# %% [markdown]
# ## Summary
#
# The table compares accuracy with and without the noise; the verdict applies the seed
# report's "no significant effect" as a difference of at most 2 points.

# %%
m1.notebook.findings(run, "metalearn_afunc_noise")

# %% tags=["remove-output"]
run.save()
