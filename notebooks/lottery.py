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
# # Lottery tickets and spatial inductive biases (Fig. 4)
#
# [Open in Colab](https://colab.research.google.com/github/mnist1d-book/mnist1d-book/blob/main/notebooks/lottery.ipynb)
#
# **What the paper reports.** Fig. 4: iterative magnitude pruning with rewinding finds
# *lottery tickets* in an MLP on MNIST-1D, sparse subnetworks that train to a better
# test accuracy than random masks of the same sparsity and than the dense network,
# "even above 95 % sparsity". Retrained on a new dataset, the ~92 % ticket reaches
# **~70 %** test accuracy, and still ~70 % on time-flipped data, but it falls below the
# dense network on feature-shuffled data. Its first-layer mask keeps neighbouring
# inputs together: a spatial prior, found by pruning. The search took ~30 GPU minutes.
#
# **How we test it.** The authors' notebook: MLP 40-500-500-10 with a residual second
# layer, Adam (lr 2e-2, batch 100), layer-wise pruning of weights and biases by
# magnitude (or at random, the control), rewinding the kept parameters to their
# initial values before each round, 2 trials. Both criteria and all our trials train as
# **one stacked model**, and a trial's magnitude and random members share their
# initial weights and batches, so they differ only in their masks.
#
# - The **asymptote runs** retrain the round-91 masks (sparsity 0.919) on a new dataset
#   (seed 43), batch 500, and on its shuffled, flipped and chunk-swapped versions. They
#   also put the masks on new initial weights (seed + 1). Each trial's 15 networks train as
#   one stack, stored on its own.
# - The **spatial prior** is measured, not only pictured. We count the first-layer pairs
#   of neighbouring inputs that a hidden unit both keeps, and compare the count with
#   random masks of the same shape in a permutation test. The first null keeps each
#   unit's number of inputs. The second also keeps each input's number of units, so a
#   mask that merely favours some input positions does not count as local.

# %% tags=["remove-cell"]
import subprocess, sys  # noqa: E401

if "google.colab" in sys.modules:  # Colab only: install the book's library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/mnist1d-book/mnist1d-book"],
                   check=True)

# %% tags=["parameters", "remove-cell"]
profile = "quick"  # record (the stored results of record) | paper | full | quick | smoke
device = "auto"  # auto (CUDA when present) | cpu | cuda
seeds = None  # your own seeds, e.g. [0, 1, 2, 3, 4] or "0-9" (stored apart from the record)
overrides = {}  # any of this chapter's settings by name, e.g. {"asymptote_steps": 3000} (stored apart from the record)
force = False  # recompute even when a stored result matches

# %%
import mnist1d_lib as m1

la = m1.lottery_analysis
run, settings = m1.notebook.start("lottery", "lottery", profile, device, force, seeds, overrides)
m1.notebook.settings_table(settings)

# %% [markdown]
# ## Ticket search, asymptote runs and mask statistics
#
# One progress bar per stage: the pruning rounds, then the retraining of every mask on
# the new data.

# %%
result = la.chapter_results(run, settings, device)
search = result["search"]
sparsity = search["sparsity"]
la.search_table(search).pivot_table(index="sparsity", columns="criterion", values="test_acc").round(1)

# %% [markdown]
# ## Fig. 4a-b: test loss and accuracy against sparsity
#
# Final test loss and accuracy after each round's training, mean ± std over trials. The
# dashed line is the dense network (round 0).

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-lottery-sparsity", "caption": "Final test loss (log scale) and test accuracy after each pruning round against sparsity, for the ticket (magnitude pruning with rewinding) and a random mask of equal sparsity, mean ± std over trials; dashed: the dense network."}}
run.save_figure(m1.plotting.ticket_figure(sparsity, la.ticket_curves(search, "test_loss"),
                                          la.ticket_curves(search, "test_acc")), "sparsity", source="paper Fig. 4a-b")

# %% [markdown]
# ## Fig. 4c-d: the ticket retrained on new and rearranged data
#
# Final test accuracy, mean ± std over trials.

# %%
la.asymptote_summary(result)

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-lottery-asymptotes", "caption": "Test accuracy during retraining (batch 500) of the dense network, the ~92 % ticket and a random mask of equal sparsity, on a new dataset (seed 43), on its feature-shuffled, time-flipped and chunk-swapped versions, and from new initial weights; mean ± std over trials. Crosses: the authors' two trials at step 6000 (their notebook's log), drawn where our runs reach that step."}}
run.save_figure(m1.plotting.asymptote_figure(result["step"], la.asymptote_panels(result), la.authors_asymptotes(),
                                             la.AUTHORS_FINAL_STEP),
                "asymptotes", source="paper Fig. 4c-d")

# %% [markdown]
# ## Fig. 4e: the spatial prior of the first-layer masks
#
# Each column is a hidden unit and each row an input position; dark pixels are kept
# weights. Units are sorted by how many neighbouring inputs they keep.

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-lottery-masks", "caption": "First-layer masks (input position down, hidden unit across, kept weights dark) of the random masks and the tickets at round 91, units sorted by their number of adjacent kept inputs."}}
run.save_figure(m1.plotting.mask_figure(la.mask_panels(result)), "masks", source="paper Fig. 4e")

# %% [markdown]
# Where the kept first-layer weights sit: the share of hidden units that keep each
# input position. A mask that favours some positions has more adjacent pairs even
# without any local structure. The second null of the tests below controls for this.

# %% tags=["hide-input"] mystnb={"figure": {"name": "fig-lottery-kept-inputs", "caption": "Share of first-layer hidden units that keep each input position at round 91, ticket against random mask, mean ± std over trials."}}
run.save_figure(m1.plotting.kept_inputs_figure(la.input_kept_curves(result)), "kept_inputs")

# %% [markdown]
# The permutation tests: the number of adjacent kept pairs, its mean under each null,
# their ratio, the z-score and the one-sided p-value.

# %%
la.spatial_table(result)

# %% [markdown]
# ## Verdicts

# %%
m1.notebook.verdicts(run, "lottery")

# %% [markdown]
# ## Differences from the paper
#
# - **Schedule.** The record runs the paper's 100 rounds of 1501 steps, with 3 trials
#   instead of 2 (its compute time is in the banner above). The one-hour `full` profile
#   keeps every fifth round, including the ticket round 91, and trains 400 steps per
#   round: pruning about 5 % of the weights per round instead of 1 % may give slightly
#   weaker tickets at the highest sparsities.
# - **Asymptote runs** train for 6000 steps of batch 500 at the `paper` profile, 300 in
#   `full`. In the authors' logs (notebooks/5. lottery_tickets.ipynb) train accuracy is
#   100 % by step 1000, and test accuracy moves by under a point from step 1000 to 6000
#   in most runs, by up to 2 points on shuffled data. Our curves above show whether they
#   have flattened.
# - **Mini-batches.** Ours are seeded random permutations, the same in every round. The
#   authors' loop walks through the training set in order.
# - **Spatial test.** The authors compare the mean adjacency of ticket and random masks
#   as bars. We add permutation tests with p-values.
#
# ## Reading the verdicts
#
# - **Shuffled data.** Both of the authors' lottery notebooks show the ticket 0.1-2.3 points
#   *below* the dense network on shuffled data (their printed numbers, with sources, are
#   in the book's reference data, `mnist1d_lib/authors_reference.json`). A ticket that is
#   not below the dense network here fails that claim. The ticket does lose most of
#   its advantage on shuffled data, and less on flipped and chunk-swapped data, which
#   keep neighbourhoods. That is the spatial reading of Fig. 4d, in weaker form.
# - **Spatial prior.** The ticket drops the edge positions of the signal; see the
#   kept-inputs figure. Against random masks that keep the same inputs per unit, its
#   adjacency can look significant. Against masks that also keep how often each input
#   position is used, it need not be. Compare the two nulls in the table: where only
#   the first test is significant, the "local connectivity" is a preference for
#   central positions, not for neighbours.
#
# ## Summary
#
# Each claim of Fig. 4, with this run's numbers, follows. The
# [ablations](lottery_perturbation.ipynb) perturb the data, and change the sparsity
# schedule, the initialisation and the learning rate.

# %%
m1.notebook.findings(run, "lottery")

# %% tags=["remove-output"]
run.save()
