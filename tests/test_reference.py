"""The authors' numbers, read from their notebooks' outputs into authors_reference.json."""
import mnist1d_lib as m1


def test_reference_data_carries_its_sources_and_the_printed_values():
    pooling = m1.reference.pooling_final_acc()
    assert pooling[1000] == {"none": 59.2, "stride 2": 57.4, "max": 78.2, "average": 78.0, "L2": 77.2}
    noisy = m1.reference.double_descent_test_error("mlp_noisy")
    assert noisy[47] == 54.05 and len(noisy) == 19  # "test error 54.05" at 47 hidden units
    assert m1.reference.double_descent_test_error("cnn_noisy")[18] == 33.8
    data = m1.reference.authors()
    assert "9. benchmark_pooling.ipynb" in data["pooling"]["source"]
    assert "9129ceb9" in data["double_descent"]["deepcopy_version_9129ceb9"]["source"]


def test_the_metalearning_logs_and_lottery_runs_as_printed():
    afunc = m1.reference.metalearn_afunc_log()
    assert afunc["test_acc"][0] == 48.6 and afunc["test_acc"][300] == 68.4  # "step: 300, ... test_acc: 68.4"
    assert afunc["mean_inner_loss"][300] == 0.8842 and len(afunc["test_acc"]) == 31  # every 10th of 301 steps
    lr = m1.reference.metalearn_lr_log()
    assert lr[1.5][3] == 1.147 and lr[0.15][48] == 0.6218 and m1.reference.metalearn_lr_converged() == 0.62
    assert "7. metalearn_learn_rate.ipynb" in m1.reference.authors()["metalearn_lr"]["source"]
    runs = m1.lottery_analysis.authors_asymptotes()
    assert runs["shuffled"] == {"dense": [64.9, 64.2], "ticket": [63.7, 61.9], "random": [59.7, 56.5]}
    assert set(runs) == set(m1.lottery_analysis.AUTHORS_CONDITIONS)
