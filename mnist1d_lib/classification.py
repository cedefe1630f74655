"""Paper Table 1 / Fig. 2: four classifiers on original and feature-shuffled MNIST-1D."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .data import make_dataset, validation_indices
from .models import MODELS, build_model
from .profiles import ClassificationSettings
from .scorecard import table1_claim_id
from .train import TrainConfig, early_stopping, train_many
from .transforms import SPATIAL_TRANSFORMS, transform_inputs

DATASETS = ("original", "shuffled")
# The authors' notebook run (commit 7878d96), test accuracy (%) at step 6000: a single run.
AUTHORS_NOTEBOOK_RUN = {
    ("original", "logistic"): 31.5, ("original", "mlp"): 65.1, ("original", "cnn"): 92.3, ("original", "gru"): 89.1,
    ("shuffled", "logistic"): 31.5, ("shuffled", "mlp"): 66.0, ("shuffled", "cnn"): 58.7, ("shuffled", "gru"): 53.3,
}
# Human expert row of Table 1 (the paper's own estimate), quoted, not measured.
HUMAN_EXPERT = {"original": "96 ± 1", "shuffled": "~30 ± 10"}


def train_config(settings: ClassificationSettings) -> TrainConfig:
    """The authors' schedule: Adam, lr 1e-2, batch 100, ``settings.steps`` steps."""
    return TrainConfig(steps=settings.steps, eval_every=settings.eval_every, lr=1e-2, batch_size=100)


def train_benchmark(settings: ClassificationSettings, device: str = "auto", progress: bool = True) -> dict:
    """Train every model on every dataset variant; per (dataset, model) one stacked run.

    Each seed trains twice, side by side in the same stacked run: ``final`` on all
    4000 training examples (the paper's protocol, reported at the last step) and
    ``early_stopping`` on 4000 - ``val_size`` of them, the rest being the validation
    split that chooses the step. Returns ``{"<dataset>/<model>": {"final": history,
    "early_stopping": history}}`` with (seeds, evaluations) arrays.
    """
    config = train_config(settings)
    base = make_dataset()
    kept, held_out = validation_indices(len(base.y), settings.val_size, seed=0)
    seeds = list(settings.seeds)
    out = {}
    for data_name in DATASETS:
        data = transform_inputs(base, SPATIAL_TRANSFORMS[data_name])
        for model in MODELS:
            _, history = train_many(lambda: build_model(model), data, config, seeds + seeds, device,
                                    val=(data.x[held_out], data.y[held_out]),
                                    train_subsets=[None] * len(seeds) + [kept] * len(seeds),
                                    progress=progress, desc=f"{model}/{data_name}")
            members = {"final": slice(0, len(seeds)), "early_stopping": slice(len(seeds), None)}
            out[f"{data_name}/{model}"] = {
                run: {key: value if key == "step" else value[rows] for key, value in history.items()
                      if not (run == "final" and key.startswith("val_"))}
                for run, rows in members.items()}
    return out


def final(history: dict, metric: str = "test_acc") -> np.ndarray:
    """The metric at the last evaluation, one value per seed: (seeds,)."""
    return np.asarray(history[metric])[:, -1]


def summary_table(results: dict, paper: dict) -> pd.DataFrame:
    """Table 1 beside ours: one row per (dataset, model).

    ``paper`` maps (dataset, model) to the paper's test accuracy (%).
    """
    rows = []
    for key, runs in results.items():
        data_name, model = key.split("/")
        test = final(runs["final"])
        stopped = early_stopping_test_acc(runs)
        rows.append({
            "data": data_name, "model": model, "paper": paper[(data_name, model)],
            "authors' run (step 6000)": AUTHORS_NOTEBOOK_RUN[(data_name, model)],
            "ours, final step": f"{test.mean():.1f} ± {test.std(ddof=1):.1f}",
            "ours, early-stopped": f"{stopped.mean():.1f} ± {stopped.std(ddof=1):.1f}",
            "train acc, final": f"{final(runs['final'], 'train_acc').mean():.1f}",
            "seeds": len(test),
        })
    return pd.DataFrame(rows)


def early_stopping_test_acc(runs: dict) -> np.ndarray:
    """Test accuracy (%) at the step of best validation accuracy, per seed: (seeds,)."""
    return early_stopping(runs["early_stopping"])["test_acc"]


def claim_measurements(results: dict) -> dict[str, np.ndarray]:
    """This chapter's scorecard measurements, by claim id, one value per seed
    (``nonlinear_train_acc_100``: one per seed, dataset and model)."""
    final_test = {key: final(runs["final"]) for key, runs in results.items()}  # (seeds,) each
    measured = {table1_claim_id(*key.split("/")): acc for key, acc in final_test.items()}
    measured["classification/nonlinear_train_acc_100"] = np.concatenate([
        final(results[f"{d}/{m}"]["final"], "train_acc") >= 100.0 for d in DATASETS for m in ("mlp", "cnn", "gru")])
    measured["classification/shuffle_drop_cnn_gru"] = np.mean(
        [final_test[f"original/{m}"] - final_test[f"shuffled/{m}"] for m in ("cnn", "gru")], axis=0)
    shuffled = np.stack([final_test[f"shuffled/{m}"] for m in MODELS])  # (models, seeds)
    measured["classification/mlp_best_shuffled"] = shuffled.argmax(0) == list(MODELS).index("mlp")
    stopped = np.stack([early_stopping_test_acc(runs) for runs in results.values()])  # (runs, seeds)
    measured["classification/early_stopped_gain"] = (stopped - np.stack(list(final_test.values()))).mean(0)
    return measured
