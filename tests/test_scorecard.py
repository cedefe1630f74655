import csv
import json
import time

import pytest

import mnist1d_lib as m1
from mnist1d_lib.scorecard import CLAIMS_BY_ID, COLUMNS, Claim, scorecard_rows


def test_numeric_verdicts_use_the_tolerance():
    claim = Claim("x", "s", "d", paper=94.0, tolerance=4.0)
    assert claim.verdict([92.0, 93.0]) == "reproduced"
    assert claim.verdict([87.0]) == "partial"
    assert claim.verdict([80.0]) == "not reproduced"
    assert claim.verdict([None, None]) == "not reproduced"  # every run diverged
    assert claim.verdict(None) == "not run"


def test_boolean_and_new_verdicts():
    claim = Claim("x", "s", "d", paper=True)
    assert claim.verdict([True, True]) == "reproduced"
    assert claim.verdict([True, False]) == "partial"
    assert claim.verdict([False]) == "not reproduced"
    assert Claim("y", "s", "d", paper=None).verdict([1.0]) == "new"


def test_claim_ids_are_unique_and_cover_table_1():
    ids = [c.claim_id for c in m1.scorecard.CLAIMS]
    assert len(ids) == len(set(ids))
    for model in ("logistic", "mlp", "cnn", "gru"):
        assert f"classification/{model}/test_acc" in CLAIMS_BY_ID
        assert f"classification/shuffled/{model}/test_acc" in CLAIMS_BY_ID
    assert "dataset/frozen_equal" in CLAIMS_BY_ID


def test_rows_from_results():
    results = {"classification": {"metrics": {
        "classification/cnn/test_acc": {"values": [93.0, 95.0, 94.0], "n_seeds": 3},
        "classification/mlp_best_shuffled": {"values": [True, False], "n_seeds": 2}}}}
    rows = {r["claim_id"]: r for r in scorecard_rows(results)}
    cnn = rows["classification/cnn/test_acc"]
    assert (cnn["reproduced"], cnn["spread"], cnn["n_seeds"], cnn["verdict"]) == ("94.00", "1.00", 3, "reproduced")
    assert rows["classification/mlp_best_shuffled"]["verdict"] == "partial"
    assert rows["dataset/frozen_equal"]["verdict"] == "not run"
    with pytest.raises(ValueError, match="does not know"):
        scorecard_rows({"x": {"metrics": {"made/up": {"values": [1]}}}})


def test_csv_has_the_documented_columns(results_tmp):
    run = m1.results.Run("dataset", profile="smoke", device="cpu")
    run.record("dataset/frozen_equal", True)
    run.save()
    m1.scorecard.write_scorecard("smoke")
    with open(results_tmp / "smoke" / "scorecard.csv") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        rows = {r["claim_id"]: r for r in reader}
    assert rows["dataset/frozen_equal"]["verdict"] == "reproduced"


def test_report_writes_the_book_pages(results_tmp, tmp_path, monkeypatch):
    monkeypatch.setattr(m1.report, "repo_root", lambda: tmp_path)
    run = m1.results.Run("dataset", profile="smoke", device="cpu")
    run.record("dataset/frozen_equal", True)
    run.record("dataset/knn_pixel_acc", 50.0)  # 9.6 points below the paper: not reproduced
    run.save()
    m1.report.main(["smoke", "--started", "0", "--jobs", "2", "--threads", "1"])
    pages = tmp_path / "book" / "generated"
    scorecard = (pages / "scorecard.md").read_text()
    assert "| `frozen_equal` |" in scorecard and "**not reproduced**" in scorecard
    summary = (pages / "summary.md").read_text()  # no committed full record here: the build is the record
    assert "at the `smoke` profile" in summary and "1 reproduced <" in summary
    assert "1 not reproduced </book/generated/differences>" in summary
    differences = (pages / "differences.md").read_text()
    assert "`dataset/knn_pixel_acc`" in differences and "`dataset/frozen_equal`" not in differences
    status = (pages / "status.md").read_text()
    assert "{doc}`dataset </book/executed/dataset>` |" in status and "torch" in status
    execution = json.loads((results_tmp / "smoke" / "execution.json").read_text())
    assert execution["notebooks_run"] == 1 and execution["jobs"] == 2 and execution["wall_s"] > 0
    assert "| `smoke` | 3 min |" in status and "1 of 1 | 2 × 1" in status
    assert set(m1.results.load_results("smoke")) == {"dataset"}  # execution.json is not a notebook


def test_an_execution_that_computed_nothing_keeps_the_last_record(results_tmp):
    run = m1.results.Run("dataset", profile="smoke", device="cpu")
    run.record("dataset/frozen_equal", True)
    run.save()
    results = m1.results.load_results("smoke")
    first = m1.report.record_execution("smoke", results, started=0.0, jobs=2, threads=1)
    assert first["notebooks_run"] == 1
    later = m1.report.record_execution("smoke", results, started=time.time() + 60, jobs=1, threads=2)
    assert later == first  # nothing finished after it started
    reused = {"dataset": {**results["dataset"], "runtime_s": 2.0, "compute_s": 300.0}}
    assert m1.report.record_execution("smoke", reused, started=0.0, jobs=1, threads=2) == first  # a cache hit


def test_differences_page_lists_the_failed_claims_and_the_settings_read_from_the_profile():
    rows = scorecard_rows({"x": {"metrics": {
        "pooling/gap_low_data": {"values": [5.0, 6.0]},  # paper 18: not reproduced
        "pooling/helps_low_data": {"values": [True, False]},  # partial
        "pooling/gap_high_data": {"values": [0.8]}}}})  # reproduced
    page = m1.report.differences_page(rows, "full")
    assert "`pooling/gap_low_data`" in page and "`pooling/helps_low_data`" in page
    assert "`pooling/gap_high_data`" not in page
    full = m1.profiles.get_profile("full")
    for d in m1.report.DEVIATIONS:
        value = d.ours(full)  # every listed setting exists in the profile
        shown = f"{len(value)} values" if isinstance(value, tuple) else str(value)
        assert f"| {d.setting} | {d.paper} | {shown}" in page
    assert m1.report.DEVIATIONS[0].ours(full) == full.double_descent.epochs


def test_chapter_of_groups_ablations_under_their_chapter():
    names = ["double_descent", "double_descent_depth", "metalearn_lr", "metalearn_lr_init", "metalearn_afunc"]
    assert m1.report.chapter_of("double_descent_depth", names) == "double_descent"
    assert m1.report.chapter_of("metalearn_lr_init", names) == "metalearn_lr"
    assert m1.report.chapter_of("metalearn_afunc", names) == "metalearn_afunc"


def test_classification_measurements_cover_the_chapters_claims():
    history = {"step": [0, 10], "test_acc": [[10.0, 60.0], [10.0, 70.0]], "train_acc": [[10.0, 100.0], [10.0, 99.0]],
               "val_acc": [[10.0, 50.0], [10.0, 40.0]]}
    results = {f"{d}/{m}": {"final": history, "early_stopping": history}
               for d in m1.classification.DATASETS for m in m1.models.MODELS}
    measured = m1.classification.claim_measurements(results)
    section = {c.claim_id for c in m1.scorecard.CLAIMS if c.section == "classification"}
    assert set(measured) == section
    assert measured["classification/cnn/test_acc"].tolist() == [60.0, 70.0]
    assert measured["classification/nonlinear_train_acc_100"].tolist() == [True, False] * 6
    assert measured["classification/early_stopped_gain"].tolist() == [0.0, 0.0]


def test_explanations_belong_to_paper_claims():
    for claim_id, text in m1.scorecard.EXPLANATIONS.items():
        assert CLAIMS_BY_ID[claim_id].paper is not None, claim_id  # our additions need no excuse
        assert text and "|" not in text, claim_id  # shown in a markdown table cell


def test_runs_at_the_papers_settings_get_verdicts_beside_this_runs(results_tmp):
    folder = results_tmp / "gpu"
    folder.mkdir()
    (folder / "double_descent_paper_settings.json").write_text(json.dumps({
        "script": "benchmarks/dd_paper_settings.py", "device": "cuda (test GPU)",
        "measurements": {"double_descent/cnn_noisy/peak_channels": [18.0, 20.0, 20.0],
                         "double_descent/cnn_noisy/peak_at_threshold": [False, False, True]}}))
    stored = m1.scorecard.paper_settings_rows()
    assert set(stored) == {"double_descent/cnn_noisy/peak_channels", "double_descent/cnn_noisy/peak_at_threshold"}
    assert stored["double_descent/cnn_noisy/peak_channels"]["verdict"] == "reproduced"  # 19.3 vs 18 ± 4
    assert stored["double_descent/cnn_noisy/peak_at_threshold"]["verdict"] == "partial"
    this_run = {"double_descent/cnn_noisy/peak_channels": {"values": [40.0, 30.0, 50.0]},
                "double_descent/mlp_clean/no_peak": {"values": [True, True, True]}}
    table = m1.scorecard.paper_settings_table(this_run, "double_descent")
    assert table["claim_id"].tolist() == ["double_descent/cnn_noisy/peak_channels"]  # measured by both runs
    assert table.iloc[0]["this run's verdict"] == "not reproduced" and table.iloc[0]["verdict there"] == "reproduced"
    assert table.iloc[0]["paper's settings"] == "19.33 ± 1.15"
    page = m1.report.differences_page(scorecard_rows({"x": {"metrics": this_run}}), "full")
    assert "At the paper's own settings (`benchmarks/dd_paper_settings.py` on cuda (test GPU), 3 seeds" in page
    assert "19.33 ± 1.15, **reproduced**" in page


def test_without_runs_at_the_papers_settings_the_table_is_empty(results_tmp):
    assert m1.scorecard.paper_settings_rows() == {}
    assert m1.scorecard.paper_settings_table({}, "double_descent").empty
