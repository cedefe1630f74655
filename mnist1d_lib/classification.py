"""Paper Table 1 / Fig. 2: four classifiers on original and feature-shuffled MNIST-1D."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .claims import Claim
from .data import make_dataset, validation_indices
from .models import MODELS, build_model
from .profiles import ClassificationSettings
from .reference import authors
from .seeds import Seeded, join_leading, split_leading
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


def benchmark_computation(settings: ClassificationSettings, device: str = "auto"):
    """Table 1's computation for ``Run.compute``: (config, fn), ``fn`` = ``train_benchmark``."""
    return settings, lambda: train_benchmark(settings, device)


# Table 1's computation, per seed: every history's arrays but ``step`` have one row per seed
BENCHMARK = Seeded(benchmark_computation, split_leading, join_leading)


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


# Claims --------------------------------------------------------------------------------------------------------
# What the paper (or the seed report) says that this chapter measures; the cause of each
# known miss (one of claims.CAUSE_KINDS, with a one-line reason: a "schedule" cause holds only
# off the paper profile); and, for the differences page, why we believe a miss at the one-hour
# full profile differs.

def table1_claim_id(data_name: str, model: str) -> str:
    """Claim id of a Table 1 test accuracy: data ``original`` or ``shuffled``."""
    return f"classification/{'' if data_name == 'original' else data_name + '/'}{model}/test_acc"


def _classification_claims() -> list[Claim]:
    # Table 1: mean +- std over 3 runs. Tolerance: Table 1's own range, one std. (Twice the std let a mean
    # 3 points and 8 of our standard errors below 68 pass as reproduced.)
    table1 = {"logistic": (32, 1, 32, 1), "mlp": (68, 2, 68, 2), "cnn": (94, 2, 56, 2), "gru": (91, 2, 57, 2)}
    claims = []
    for model, (acc, std, acc_shuffled, std_shuffled) in table1.items():
        claims.append(Claim(table1_claim_id("original", model), "classification",
                            f"{model} test accuracy (%), final step (Table 1: {acc} ± {std}; tolerance: its ± "
                            f"{std}, one std of the authors' runs)", float(acc), float(std), float(std)))
        claims.append(Claim(table1_claim_id("shuffled", model), "classification",
                            f"{model} test accuracy (%) on feature-shuffled data, final step "
                            f"(Table 1: {acc_shuffled} ± {std_shuffled}; tolerance: its ± {std_shuffled}, one std "
                            f"of the authors' runs)", float(acc_shuffled), float(std_shuffled), float(std_shuffled)))
    claims += [
        Claim("classification/nonlinear_train_acc_100", "classification",
              "MLP, CNN and GRU reach 100% train accuracy, on original and shuffled data (Sec. 3)", True),
        Claim("classification/shuffle_drop_cnn_gru", "classification",
              "feature shuffling costs CNN and GRU ~35 points of test accuracy (Table 1: mean of 38 and 34; "
              "tolerance 5)", 36.0, 5.0),
        Claim("classification/mlp_best_shuffled", "classification",
              "on feature-shuffled data the MLP has the best test accuracy (Table 1)", True),
        Claim("classification/early_stopped_gain", "classification",
              "test accuracy gained (points, mean over models) by early stopping on a validation split "
              "instead of the final step (ours)", None),
    ]
    return claims


CLAIMS = _classification_claims()
CAUSES = {
    "classification/shuffled/gru/test_acc": (
        "method", "Table 1 is not the authors' public notebook run, which gave 53.3, as we do"),
    "classification/mlp/test_acc": (
        "method", "Table 1 is not the authors' public notebook run (65.1 at step 6000), which ours matches"),
    "classification/shuffled/mlp/test_acc": (
        "method", "Table 1 is not the authors' public notebook run (66.0 at step 6000), which ours matches"),
    "classification/nonlinear_train_acc_100": (
        "genuine", "on shuffled data the CNN and GRU do not always reach 100 % train accuracy in 6000 steps"),
}
_NB = authors()["classification"]["final_test_acc_step6000"]  # the authors' notebook run at step 6000
_TABLE1 = "the chapter reads Table 1 as coming from other runs (selection or a different step count)"
_BATCHES = "Our mini-batches are also shuffled epochs, not the notebook's fixed order."


def _own_run(data: str, model: str, paper: str) -> str:
    """The authors' notebook run of ``model`` on ``data`` against Table 1's value ``paper``, in words."""
    return (f"The authors' own public-notebook run of the same code gave {_NB[data][model]:g} at step 6000, "
            f"against Table 1's {paper}")


EXPLANATIONS = {
    "classification/shuffled/gru/test_acc": f"{_own_run('shuffled', 'gru', '57 ± 2')}; {_TABLE1}. {_BATCHES}",
    "classification/nonlinear_train_acc_100":
        "The chapter notes that on feature-shuffled data the CNN and GRU do not always reach 100 % train accuracy "
        "within 6000 steps, so the paper's statement holds for original data only; the claim needs 100 % for "
        "every seed, model and dataset.",
    "classification/logistic/test_acc":
        f"No explanation specific to logistic regression found in the chapter. {_own_run('original', 'logistic', '32 ± 1')}; "
        f"{_TABLE1}. {_BATCHES}",
    "classification/shuffled/logistic/test_acc":
        f"No explanation specific to logistic regression found in the chapter. "
        f"{_own_run('shuffled', 'logistic', '32 ± 1')}; {_TABLE1}. {_BATCHES}",
    "classification/mlp/test_acc": f"{_own_run('original', 'mlp', '68 ± 2')}; {_TABLE1}. {_BATCHES}",
    "classification/shuffled/mlp/test_acc": f"{_own_run('shuffled', 'mlp', '68 ± 2')}; {_TABLE1}. {_BATCHES}",
    "classification/cnn/test_acc": f"{_own_run('original', 'cnn', '94 ± 2')}; {_TABLE1}. {_BATCHES}",
    "classification/shuffled/cnn/test_acc":
        f"{_own_run('shuffled', 'cnn', '56 ± 2')}; {_TABLE1}. The chapter also notes that the CNN does not always "
        "reach 100 % train accuracy on shuffled data within 6000 steps.",
    "classification/gru/test_acc": f"{_own_run('original', 'gru', '91 ± 2')}; {_TABLE1}. {_BATCHES}",
    "classification/shuffle_drop_cnn_gru":
        "No explanation specific to this gap found in the chapter. It rests on the CNN and GRU entries, and "
        f"{_TABLE1} (the authors' notebook drops by "
        f"{_NB['original']['cnn'] - _NB['shuffled']['cnn']:.1f} and {_NB['original']['gru'] - _NB['shuffled']['gru']:.1f}); "
        "on shuffled data these models may not reach 100 % train accuracy.",
    "classification/mlp_best_shuffled":
        f"No explanation found in the chapter. Table 1's margin is 68 against 56 and 57; the authors' own notebook "
        f"run has {_NB['shuffled']['mlp']:g} against {_NB['shuffled']['cnn']:g} (CNN) and {_NB['shuffled']['gru']:g} "
        f"(GRU), and {_TABLE1}.",
}
