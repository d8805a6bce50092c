"""The per-person offset controls (offsets.py): the whole-video oracle removes a person's constant error, the
first-second oracle only what the first frames show, and the running normalization pulls the person's running mean
to the population's (so it also removes a true mood the person holds)."""
import numpy as np

from paffmem_pk.offsets import corrections, running_mean


def test_running_mean_is_causal():
    x = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 4.0]])
    assert np.allclose(running_mean(x), [[1, 0], [2, 1], [3, 2]])


def test_the_controls_on_a_person_read_with_a_constant_and_an_emotion_dependent_error():
    t = np.linspace(-1, 1, 50)
    truth = np.stack([t, -t], 1)
    pred = truth + np.array([0.3, -0.2]) + 0.2 * truth  # offset plus a gain error
    out = corrections(pred, truth, population_mean=np.zeros(2), first_frames=5)
    assert np.allclose((out["oracle, whole video"] - truth).mean(0), 0, atol=1e-9)
    # the first frames' error (at the start of the video's emotion) is not the video's: the gain error remains
    first = out["oracle, first second x1"] - truth
    assert np.allclose(first[:5].mean(0), 0, atol=1e-9) and np.abs(first.mean(0)).max() > 0.1
    assert np.array_equal(out["pk"], pred)


def test_normalization_takes_a_persons_steady_mood_for_a_bias():
    mood = np.tile([[0.5, -0.4]], (30, 1))  # read perfectly, a person who stays calm and unhappy
    out = corrections(mood, mood, population_mean=np.array([0.1, 0.0]), first_frames=5)
    assert np.allclose(out["running normalization w 1"], [0.1, 0.0])  # moved to the population's mean
    assert np.allclose(out["running normalization w 0.5"], [0.3, -0.2])
    assert np.allclose(out["oracle, whole video"], mood)
