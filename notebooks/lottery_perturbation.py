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
# # Ablation: perturbed data
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/lottery_perturbation.ipynb)
#
# Part of the [lottery-ticket chapter](lottery.ipynb).
#
# **What the seed report {cite}`seedreport` did (2.4.1).** It searched for tickets on perturbed data: noisy inputs, randomised labels and cropped inputs. It showed the curves without a stated conclusion.
#
# **How we test it.** Gaussian input noise (train and test), label noise (a fraction of the training labels replaced by a uniform class) and cropping (a window of input positions kept, train and test), beside the clean data; the values are stated below the settings. Each value is one stack that trains both pruning criteria and all trials together.
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
overrides = {}  # any of this chapter's settings by name, e.g. {"input_noise": 0.2} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

la = m1.lottery_analysis
run, settings = m1.notebook.start("lottery_perturbation", "lottery", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% tags=["remove-input"]
m1.notebook.prose('In this run: input noise of std {input_noise}, label noise on a fraction {label_noise} of the training labels, and cropping to input positions {crop} (start, stop).', settings)

# %% [markdown]
# ## Ticket searches and results
#
# Per value and criterion: the dense network's accuracy (round 0) and the final round's
# test accuracy, mean and std over trials.

# %%
groups, table = la.ablation_results(run, settings, "perturbation", device)
table

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-lottery-perturbation", "caption": "Final test accuracy after each pruning round against sparsity, ticket against random mask (mean ± std over trials, dashed: dense), for clean, noisy-input, noisy-label and cropped data."}}
run.save_figure(m1.plotting.ablation_ticket_figure(la.ablation_panels(groups), "perturbed data"), "perturbation", source="seed report 2.4.1")

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "lottery_perturbation")

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
# Whether a ticket still beats a random mask when the data are perturbed is the verdict of each perturbation. The table shows how much each perturbation costs the dense network.

# %%
m1.notebook.findings(run, "lottery_perturbation")

# %% tags=["remove-output"]
run.save()
