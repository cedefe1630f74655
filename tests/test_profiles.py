import pytest

import mnist1d_lib as m1


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown profile 'fast'.*full, quick, smoke"):
        m1.profiles.get_profile("fast")


def test_full_profile_uses_the_papers_schedule():
    full = m1.profiles.get_profile("full").classification
    assert full.steps == 6000 and full.steps % full.eval_every == 0  # evaluated at step 6000 (authors: every 250)
    assert len(full.seeds) >= 3


@pytest.mark.parametrize("name", ["smoke", "quick", "full"])
def test_profiles_are_consistent(name):
    profile = m1.profiles.get_profile(name)
    assert profile.name == name
    m1.classification.train_config(profile.classification)  # valid schedule
    assert len(set(profile.classification.seeds)) == len(profile.classification.seeds) >= 2
