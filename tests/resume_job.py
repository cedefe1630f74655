"""A small computation of each resumable kind, run as its own process by test_resume.py,
which kills it with SIGKILL mid-way and runs it again: ``python resume_job.py KIND``
(results and checkpoints go where $MNIST1D_RESULTS and $MNIST1D_CHECKPOINTS say)."""
import sys

import torch

import mnist1d_lib as m1

torch.set_num_threads(1)
kind = sys.argv[1]
data = m1.data.make_dataset()
data = m1.data.Dataset(x=data.x[:400], y=data.y[:400], x_test=data.x_test[:200], y_test=data.y_test[:200], t=data.t)


def fit():
    """Two stacked fits in a row (a sweep of two stacks), the second with dropout (global RNG)."""
    config = m1.train.TrainConfig(steps=400, eval_every=100)
    _, first = m1.train.train_many(lambda: m1.models.MLP(n_hidden=64), data, config, seeds=[0, 1], device="cpu")
    _, second = m1.train.train_many(lambda: m1.models.PlainMLP(n_hidden=32, n_layers=2, dropout=0.3), data, config,
                                    seeds=[2, 3], device="cpu")
    return {"first": first, "second": second}


def metalearn():
    settings = m1.profiles.get_profile("smoke").metalearn_lr
    config = m1.metalearn_lr.base_config(settings, outer_steps=60)
    return m1.metalearn_lr.learn([config], data, "cpu")


def contrastive():
    config = m1.ssl.ContrastiveConfig(epochs=6, eval_every=3)
    _, history = m1.ssl.train_contrastive(lambda: m1.ssl.SimCLR(), data, config, seeds=[0, 1], device="cpu")
    return history


run = m1.results.Run(f"resume_{kind}", profile="smoke", device="cpu")
run.compute(kind, {"kind": kind}, {"fit": fit, "metalearn": metalearn, "contrastive": contrastive}[kind])
run.save()
