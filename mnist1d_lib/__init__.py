"""Shared library of the MNIST-1D reproducibility book.

``import mnist1d_lib as m1`` gives every module as an attribute, imported on first use
(so that a notebook does not pay for scikit-learn or SciPy unless it uses them): ``m1.data``, ``m1.transforms``,
``m1.models``, ``m1.train``, ``m1.stacking``, ``m1.gru``, ``m1.results``, ``m1.scorecard``,
``m1.report``, ``m1.plotting``, ``m1.notebook`` (what every notebook does), ``m1.baselines``,
``m1.profiles``, one module per chapter (``m1.classification``, ``m1.double_descent`` with
``m1.double_descent_analysis``, ``m1.metalearn_lr`` and ``m1.metalearn_afunc`` with
``m1.metalearn_analysis``, ``m1.lottery`` with ``m1.lottery_analysis``), ``m1.metalearn``
(unrolled optimisation), ``m1.learned_activation``, ``m1.pruning`` (masked MLPs,
pruning, mask statistics), ``m1.ssl`` with ``m1.ssl_analysis`` and ``m1.augment``
(self-supervised learning), ``m1.probes`` (linear and kNN probes, t-SNE) and
``m1.pooling`` with ``m1.pooling_analysis``, and ``m1.runtimes`` (the paper's stated run times against ours).
"""
import importlib
from pathlib import Path

MODULES = tuple(sorted(p.stem for p in Path(__file__).parent.glob("*.py") if p.stem != "__init__"))
__all__ = list(MODULES)


def __getattr__(name: str):
    """``m1.<module>``: import the submodule on first access (PEP 562)."""
    if name in MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
