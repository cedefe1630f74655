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
