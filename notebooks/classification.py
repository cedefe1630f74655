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
# # Classification benchmark (Table 1, Fig. 2)
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/classification.ipynb)
#
# **What the paper reports.** Table 1 gives test accuracy (mean ± std over three runs)
# of four models: logistic regression 32 ± 1 %, MLP 68 ± 2 %, CNN 94 ± 2 %, GRU 91 ± 2 %
# (human expert 96 ± 1 %). With the 40 input positions shuffled by one fixed random
# permutation, logistic regression and the MLP are unchanged while CNN (56 ± 2 %) and
# GRU (57 ± 2 %) lose about 35 points, so the MLP becomes best: the CNN and GRU rely on
# spatial structure. All models but logistic regression reach 100 % train accuracy.
#
# **How we test it.** The models and schedule of the authors' notebook (Adam, lr 1e-2,
# batch 100, 6000 steps in the `full` profile), every seed of a model trained at once.
# The paper selected models by early stopping; we report two numbers per model:
#
# - **final step**: trained on all 4000 training signals, test accuracy after the last
#   step. *This is what the scorecard compares with Table 1.*
# - **early-stopped**: trained on 4000 − 500 signals; the step is chosen by accuracy on
#   the 500 held-out training signals (never on the test set) and the test accuracy at
#   that step is reported.

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
import matplotlib.pyplot as plt
import pandas as pd

import mnist1d_lib as m1

run, settings = m1.notebook.start("classification", "classification", profile, device, force, seeds, overrides)
pd.DataFrame([m1.results.to_jsonable(settings)])

# %% [markdown]
# ## Training
#
# For each of the 2 × 4 (data, model) pairs, all seeds train together as one stacked
# model (`m1.train.train_many`); a progress bar shows each pair.

# %%
results = run.compute_seeds("benchmark", m1.classification.BENCHMARK, settings, device)

# %% [markdown]
# ## Table 1, paper beside ours

# %%
table1 = {(d, m): m1.scorecard.CLAIMS_BY_ID[m1.classification.table1_claim_id(d, m)]
          for d in m1.classification.DATASETS for m in m1.models.MODELS}
paper = {key: claim.paper for key, claim in table1.items()}
table = m1.classification.summary_table(results, paper)
human = pd.DataFrame([{"data": d, "model": "human expert (paper)", "paper": v}
                      for d, v in m1.classification.HUMAN_EXPERT.items()])
pd.concat([table, human]).astype(object).fillna("").set_index(["data", "model"])

# %% [markdown]
# ## Training curves (Fig. 2)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-classification-curves", "caption": "Test (solid) and train (dashed) accuracy against training step, mean ± std over seeds, on original (top) and feature-shuffled (bottom) data."}}
fig, axes = plt.subplots(2, 4, figsize=(14, 6), sharex=True, sharey=True)
for row, data_name in enumerate(m1.classification.DATASETS):
    for col, model in enumerate(m1.models.MODELS):
        ax = axes[row, col]
        history = results[f"{data_name}/{model}"]["final"]
        m1.plotting.mean_band(ax, history["step"], history["test_acc"], "test", color="C0")
        m1.plotting.mean_band(ax, history["step"], history["train_acc"], "train", color="C1", ls="--")
        ax.axhline(paper[(data_name, model)], color="0.4", lw=1, ls=":", label="paper (test)")
        ax.set_title(f"{model}, {data_name}")
        ax.set_ylim(0, 102)
    axes[row, 0].set_ylabel("accuracy (%)")
for ax in axes[1]:
    ax.set_xlabel("step")
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="upper center", ncol=3, frameon=False,
           bbox_to_anchor=(0.5, 1.04))
run.save_figure(fig, "curves", source="paper Fig. 2")

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-classification-bars", "caption": "Final-step test accuracy, ours (mean ± std, dots are seeds) beside Table 1 (± the paper's std)."}}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.5), sharey=True)
for ax, data_name in zip(axes, m1.classification.DATASETS):
    ours = [m1.classification.final(results[f"{data_name}/{m}"]["final"]) for m in m1.models.MODELS]
    m1.plotting.bars_vs_paper(ax, list(m1.models.MODELS), ours, [paper[(data_name, m)] for m in m1.models.MODELS],
                              paper_err=[table1[(data_name, m)].paper_spread for m in m1.models.MODELS])
    ax.set_title(f"{data_name} data")
axes[0].set_ylabel("test accuracy (%)")
run.save_figure(fig, "table1_bars", source="paper Table 1")

# %% [markdown]
# ## Measurements behind the scorecard

# %%
m1.notebook.record_measurements(run, m1.classification.claim_measurements(results))

# %% [markdown]
# ## Verdicts
#
# The claims of this chapter as the scorecard judges them from the measurements above.

# %%
m1.notebook.verdicts(run, "classification")

# %% [markdown]
# ## Differences from the paper
#
# - The paper reports mean ± std over three runs without saying whether the accuracy is
#   taken at the end of training or at an early-stopping step; we show both and compare
#   the final step, as the authors' notebook does. The early-stopped models see 500
#   fewer training signals, which can cost more than stopping early gains.
# - Where a Table 1 entry comes out *partial* or *not reproduced*, compare it with the
#   authors' own notebook run (column "authors' run (step 6000)"): a single run of the
#   same code, which scatters around Table 1 by a few points in the same direction as
#   ours (e.g. the MLP, and the GRU on shuffled data). We read this as Table 1 coming
#   from runs that differ from the public notebook (selection, or a different number of
#   steps), not as a defect of either.
# - On feature-shuffled data the CNN and GRU do not always reach 100 % train accuracy
#   within 6000 steps (see the train column and the curves): the paper's "all models but
#   logistic regression reach 100 %" holds for original data.
# - Mini-batches are drawn as shuffled epochs; the authors' notebook walks through the
#   training set in a fixed order.
# - The GRU is PyTorch's `nn.GRU` (same parameters and equations) with the recurrence
#   written out so that several seeds train as one model; a test checks it against
#   `nn.GRU`.
#
# ## Summary
#
# Each Table 1 entry is tested against Table 1's own range (its ± one standard deviation of the
# authors' three runs). Where ours falls outside it, the cause line names the authors' public
# notebook run, which ours matches. The findings, computed from this run:

# %%
m1.notebook.findings(run, "classification")

# %% tags=["remove-output"]
run.save()
