"""Concordance correlation coefficient (Lin 1989), population variances (ddof 0)."""
import numpy as np


def ccc(pred, target) -> float:
    x = np.asarray(pred, dtype=np.float64).ravel()
    y = np.asarray(target, dtype=np.float64).ravel()
    if x.size == 0:
        return float("nan")
    mx, my = x.mean(), y.mean()
    vx, vy = x.var(), y.var()
    cov = ((x - mx) * (y - my)).mean()
    denom = vx + vy + (mx - my) ** 2
    return float(2.0 * cov / denom) if denom > 0 else 0.0


def ccc_arousal_valence(pred, target):
    """pred, target: N x 2 in label order (arousal, valence) -> (ccc_arousal, ccc_valence)."""
    pred = np.asarray(pred)
    target = np.asarray(target)
    return ccc(pred[:, 0], target[:, 0]), ccc(pred[:, 1], target[:, 1])
