import numpy as np

from paffmem_pk.ccc import ccc, ccc_arousal_valence


def test_perfect_agreement_is_one():
    x = np.linspace(-1, 1, 50)
    assert abs(ccc(x, x) - 1.0) < 1e-12


def test_bias_and_scale_lower_ccc():
    x = np.linspace(-1, 1, 50)
    assert ccc(x + 0.5, x) < 1.0
    assert abs(ccc(-x, x) + 1.0) < 1e-12


def test_population_variance_formula():
    p, t = np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 3.0])
    cov = np.mean((p - p.mean()) * (t - t.mean()))
    want = 2 * cov / (p.var() + t.var() + (p.mean() - t.mean()) ** 2)
    assert abs(ccc(p, t) - want) < 1e-12


def test_label_order_is_arousal_valence():
    t = np.stack([np.linspace(-1, 1, 20), np.zeros(20) + np.linspace(0, 0.1, 20)], 1)
    p = t.copy()
    p[:, 1] = 0.0
    ca, cv = ccc_arousal_valence(p, t)
    assert ca > 0.999 and cv == 0.0
