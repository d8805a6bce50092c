import numpy as np
import torch

from paffmem_pk.enrolment import DESIGNS, enrolled_readout, pick


def test_designs_pick_the_nearest_grid_faces():
    grid = [(a, v) for a in np.linspace(-1, 1, 9) for v in np.linspace(-1, 1, 9)]
    chosen = [grid[i] for i in pick(grid, DESIGNS["3x3"])]
    assert chosen == [(a, v) for a in (-0.75, 0.0, 0.75) for v in (-0.75, 0.0, 0.75)]
    assert len(set(pick(grid, DESIGNS["5x5"]))) == 25
    # off-grid points take the first of equally near faces
    assert pick([(0.0, 0.0), (0.5, 0.0)], [(0.25, 0.0)]) == [0]


def test_readout_is_the_pk_plus_the_weighted_residuals_of_the_k_nearest():
    z_enrolled = torch.tensor([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    residuals = torch.tensor([[0.2, -0.1], [0.4, 0.3], [-1.0, -1.0]])
    z = torch.tensor([[0.25, 0.0]])
    pk = torch.tensor([[0.1, 0.1]])
    w0, w1 = np.exp(-0.25), np.exp(-0.75)
    expect = pk.numpy() + (w0 * residuals[0].numpy() + w1 * residuals[1].numpy()) / (w0 + w1)
    np.testing.assert_allclose(enrolled_readout(z, pk, z_enrolled, residuals, 2).numpy(), expect, rtol=1e-6)
    # k = 1: the nearest face's residual; k above the count pools all
    np.testing.assert_allclose(enrolled_readout(z, pk, z_enrolled, residuals, 1).numpy(), [[0.3, 0.0]], rtol=1e-6)
    all3 = enrolled_readout(z, pk, z_enrolled, residuals, 99).numpy()
    assert all3[0, 0] < expect[0, 0]  # the far face's negative residual pulls it down a little
