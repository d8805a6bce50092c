"""The subspace normalization (subspace.py): it removes a person's offset in z only where expression does not move z,
so a person's steady mood (an offset along the expression direction) survives and an anatomical offset across it goes."""
import numpy as np

from paffmem_pk.subspace import complement, expression_subspaces, normalized


def _video(rng, offset, mood, n=40):
    """z = offset + W y + noise in 4-D: expression moves the first two axes only."""
    y = mood + 0.3 * rng.standard_normal((n, 2))
    w = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    return "typical", None, offset + y @ w + 0.001 * rng.standard_normal((n, 4)), y


def test_the_regression_subspace_is_the_direction_expression_moves():
    rng = np.random.default_rng(0)
    videos = [_video(rng, rng.standard_normal(4) * [0, 0, 1, 1], rng.standard_normal(2) * 0.2) for _ in range(30)]
    projectors, _ = expression_subspaces(videos, pcs=(2,))
    for name in ("regression (2-D)", "within-video PCA 2"):
        p = projectors[name]
        assert np.allclose(p @ [1, 0, 0, 0], 0, atol=1e-2) and np.allclose(p @ [0, 0, 1, 0], [0, 0, 1, 0], atol=1e-2)


def test_a_steady_mood_survives_and_an_offset_across_expression_goes():
    z = np.tile([0.5, -0.4, 0.7, -0.2], (20, 1))  # mood on axes 0-1, anatomy on axes 2-3
    keep_first_two = complement(np.eye(4)[:2], 4)
    out = normalized(z, np.zeros(4), keep_first_two)
    assert np.allclose(out, [0.5, -0.4, 0.0, 0.0])
    assert np.allclose(normalized(z, np.zeros(4), keep_first_two, w=0.5), [0.5, -0.4, 0.35, -0.1])


def test_the_running_mean_is_causal():
    z = np.array([[0.0, 0.0, 2.0, 0.0], [0.0, 0.0, 4.0, 0.0]])
    out = normalized(z, np.zeros(4), complement(np.eye(4)[:2], 4))
    assert np.allclose(out[:, 2], [0.0, 1.0])  # the first frame minus itself, the second minus the mean of both
    whole = normalized(z, np.zeros(4), complement(np.eye(4)[:2], 4), whole_video=True)
    assert np.allclose(whole[:, 2], [-1.0, 1.0])
