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
# # Ablation: sparsity schedule
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/lottery_schedule.ipynb)
#
# Part of the [lottery-ticket chapter](lottery.ipynb).
#
# **What the seed report {cite}`seedreport` found (2.4.2).** An exponential sparsity schedule is not better than the linear one.
#
# **How we test it.** A linear and an exponential schedule with the same number of rounds and the same final sparsity (0.919). The exponential one prunes the same fraction of the *remaining* parameters every round, so it prunes more early and less late. Each value is one stack that trains both pruning criteria and all trials together.
# Every value uses the chapter's network. The record runs the chapter's schedule up to its
# ticket round (rounds 0-91 of 1501 steps, to sparsity 0.919), where the claims are read;
# the one-hour `full` profile keeps fewer rounds and fewer steps per round. The baseline value
# (the unperturbed data, the linear schedule, the default init, the chapter's rate) is then the
# chapter's own ticket search read up to round 91, not a second search of the same networks.

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"ablation_steps": 1000} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

la = m1.lottery_analysis
run, settings = m1.notebook.start("lottery_schedule", "lottery", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% [markdown]
# ## Ticket searches and results
#
# Per value and criterion: the dense network's accuracy (round 0) and the final round's
# test accuracy, mean and std over trials.

# %%
groups, table = la.ablation_results(run, settings, "schedule", device)
table

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-lottery-schedule", "caption": "Final test accuracy after each pruning round against sparsity, ticket against random mask (mean ± std over trials, dashed: dense), for a linear and an exponential schedule."}}
run.save_figure(m1.plotting.ablation_ticket_figure(la.ablation_panels(groups), "sparsity schedule"), "schedule", source="seed report 2.4.2")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "lottery_schedule")

# %% [markdown]
# ## Differences from the seed report
#
# - **Seeds.** The seed report shows one run per setting; every setting here runs several
#   seeds (or trials), and the verdicts account for their spread.
# - **Schedule.** The seed report ran the chapter's schedule. This run's settings beside
#   the paper profile's (the chapter's schedule, the record):

# %%
m1.notebook.schedule_differences(run, "lottery", ["ablation_rounds", "ablation_steps", "trials"])

# %% [markdown]
# ## Summary
#
# The verdict compares the two tickets at the final sparsity. Both schedules reach it in the same number of rounds.

# %%
m1.notebook.findings(run, "lottery_schedule")

# %% tags=["remove-output"]
run.save()
