"""What the chapter notebooks share: starting a run, and showing settings and measurements."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import plotting
from .profiles import get_profile
from .results import Run, to_jsonable


def start(name: str, section: str, profile: str, seed: int = 0, device: str = "cpu",
          force: bool = False) -> tuple[Run, Any]:
    """Set the plotting style; return the ``Run`` that collects notebook ``name``'s
    results and the profile's settings of ``section`` (a ``Profile`` field)."""
    plotting.setup()
    run = Run(name, profile=profile, seed=seed, device=device, force=force)
    return run, getattr(get_profile(run.profile), section)


def settings_table(settings) -> pd.DataFrame:
    """A settings dataclass as a one-column table (tuples shown as lists)."""
    return pd.DataFrame({"setting": {k: str(v) for k, v in to_jsonable(settings).items()}})


def record_measurements(run: Run, measurements: dict[str, list]) -> pd.DataFrame:
    """Record each claim's per-seed values in ``run`` and show them (yes/no as 1/0)."""
    for claim_id, values in measurements.items():
        run.record(claim_id, values)
    return pd.Series({claim_id: np.round(np.asarray(v, dtype=float), 2).tolist()
                      for claim_id, v in measurements.items()}, name="one value per seed (yes/no as 1/0)").to_frame()


def best_and_worst(summary: pd.DataFrame) -> pd.DataFrame:
    """The settings with the lowest and the highest mean test error of a
    ``double_descent_analysis.seed_summary`` table."""
    rows = summary.loc[[summary["test_err_mean"].idxmin(), summary["test_err_mean"].idxmax()]]
    return rows.set_index(pd.Index(["lowest test error", "highest test error"])).round(2)
