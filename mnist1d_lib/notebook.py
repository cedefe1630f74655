"""What the chapter notebooks share: starting a run, and showing settings and measurements."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import plotting
from .paths import in_clone
from .profiles import customised
from .results import Run, to_jsonable


def start(name: str, section: str, profile: str, device: str = "auto", force: bool = False,
          seeds=None, overrides: dict | None = None) -> tuple[Run, Any]:
    """Set the plotting style; return the ``Run`` that collects notebook ``name``'s
    results and the profile's settings of ``section`` (a ``Profile`` field), with the
    reader's ``seeds`` and ``overrides`` applied (``profiles.customised``: all checked
    before anything runs). A customised run is stored apart from the record, and says so."""
    plotting.setup()
    run = Run(name, profile=customised(profile, section, seeds, overrides), device=device, force=force)
    if not in_clone():
        _note(f"**Outside a clone of the book.** The results of record (`results/paper/`, `results/full/`) are "
              f"not here, so this notebook cannot show the stored record beside its own numbers, nor reuse "
              f"stored results: it computes everything at the `{run.profile}` profile into `{run.dir}`.")
    if run.settings.base is not None:
        _note(f"**Not the record.** This run changes `{section}` of the `{run.settings.base}` profile "
              f"({changed_settings(run, section)}); its results go to `results/{run.settings.folder}/`, "
              "apart from the results of record.")
    return run, getattr(run.settings, section)


def _note(text: str) -> None:
    """Show ``text`` as Markdown in a notebook (printed when run as a script)."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown(text))
    else:
        print(text)


def changed_settings(run: Run, section: str) -> str:
    """The settings of ``section`` that a customised run changed, as "name = value" text."""
    from .profiles import get_profile

    ours = to_jsonable(getattr(run.settings, section))
    base = to_jsonable(getattr(get_profile(run.settings.base), section))
    return ", ".join(f"{k} = {v}" for k, v in ours.items() if base[k] != v)


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
