"""Run profiles: the single place where ``smoke``, ``quick`` and ``full`` are defined.

``full`` uses the paper's settings; ``quick`` keeps the shapes of every experiment
at a fraction of the cost; ``smoke`` only checks that a notebook runs (seconds).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DatasetSettings:
    """Settings of the ``dataset`` chapter."""

    tsne_samples: int = 2000  # points per t-SNE map (paper Fig. 3 uses a few thousand)
    try_mnist: bool = True  # download MNIST when reachable, else fall back to sklearn digits


@dataclass(frozen=True)
class ClassificationSettings:
    """Settings of the ``classification`` chapter (paper Table 1, Fig. 2)."""

    steps: int = 6000  # Adam steps, as in the authors' notebook
    eval_every: int = 250  # steps between evaluations
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)  # model seeds (init and batch order)
    val_size: int = 500  # held out of the 4000 training examples for early stopping


@dataclass(frozen=True)
class Profile:
    """A named set of chapter settings."""

    name: str
    dataset: DatasetSettings = field(default_factory=DatasetSettings)
    classification: ClassificationSettings = field(default_factory=ClassificationSettings)


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke",
        dataset=DatasetSettings(tsne_samples=200, try_mnist=False),
        classification=ClassificationSettings(steps=40, eval_every=20, seeds=(0, 1), val_size=500),
    ),
    "quick": Profile(
        name="quick",
        dataset=DatasetSettings(tsne_samples=1000),
        classification=ClassificationSettings(steps=1500, eval_every=250, seeds=(0, 1, 2)),
    ),
    "full": Profile(name="full"),
}


def get_profile(name: str) -> Profile:
    """Return the profile called ``name``; raise ValueError naming the valid ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown profile {name!r}: choose one of {', '.join(sorted(PROFILES))}"
        ) from None
