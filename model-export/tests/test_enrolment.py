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


def test_affine_readout_recovers_a_linear_miscalibration_and_its_ridge_pulls_towards_the_pk():
    from paffmem_pk.enrolment import affine_readout

    pk_enrolled = torch.tensor([[a, v] for a in (-0.75, 0.0, 0.75) for v in (-0.75, 0.0, 0.75)])
    labels = pk_enrolled * torch.tensor([0.5, 1.5]) + torch.tensor([0.2, -0.1])  # a person the PK misreads linearly
    pk = torch.tensor([[0.4, -0.2], [-0.6, 0.3]])
    expect = pk * torch.tensor([0.5, 1.5]) + torch.tensor([0.2, -0.1])
    np.testing.assert_allclose(affine_readout(pk, pk_enrolled, labels, 1e-9).numpy(), expect.numpy(), atol=1e-5)
    # a huge ridge leaves the PK's reading as it is
    np.testing.assert_allclose(affine_readout(pk, pk_enrolled, labels, 1e9).numpy(), pk.numpy(), atol=1e-5)


def test_pk_and_label_space_readouts_take_the_residual_of_the_face_read_or_labelled_alike():
    from paffmem_pk.enrolment import label_space_readout, pk_space_readout

    pk_enrolled = torch.tensor([[-0.5, 0.0], [0.5, 0.0]])
    residuals = torch.tensor([[0.3, 0.0], [-0.3, 0.1]])
    pk = torch.tensor([[-0.5, 0.0], [0.5, 0.0]])
    out = pk_space_readout(pk, pk_enrolled, residuals, 1)
    np.testing.assert_allclose(out.numpy(), (pk + residuals).numpy(), atol=1e-6)
    # label space: a start at the first face's label reads (mostly) its residual; clamped to [-1, 1]
    labels = pk_enrolled + residuals
    y = label_space_readout(torch.tensor([[-0.5, 0.0]]), torch.tensor([[-0.2, 0.0]]), labels, residuals,
                            bandwidth=0.05, iterations=1)
    np.testing.assert_allclose(y.numpy(), [[-0.2, 0.0]], atol=1e-4)
    y = label_space_readout(torch.tensor([[0.9, 0.0]]), torch.tensor([[0.9, 0.0]]), labels, -residuals * 2, 0.05, 1)
    assert y[0, 0] == 1.0


def test_readout_is_clamped_to_the_label_range_as_the_jobs_prediction_is():
    z_enrolled = torch.tensor([[0.0, 0.0]])
    residuals = torch.tensor([[0.8, -0.9]])
    out = enrolled_readout(torch.tensor([[0.0, 0.0]]), torch.tensor([[0.5, -0.5]]), z_enrolled, residuals, 1)
    np.testing.assert_allclose(out.numpy(), [[1.0, -1.0]])


def test_kernel_readout_matches_its_closed_form_and_the_java_memory():
    from paffmem_pk.enrolment import kernel_readout

    z_enrolled = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    residuals = torch.tensor([[0.3, -0.1], [-0.2, 0.4], [0.1, 0.25]])
    z = torch.tensor([[0.5, 0.5], [3.0, -1.0]])
    pk = torch.tensor([[0.1, -0.2], [0.0, 0.0]])
    # closed form: distances 1, 2, sqrt 5 -> lower median 2, l = 0.5 * 2 = 1
    e, r = z_enrolled.double().numpy(), residuals.double().numpy()
    d2 = ((e[:, None] - e[None]) ** 2).sum(-1)
    mean = r.mean(0)
    alpha = np.linalg.solve(np.exp(-d2 / 2) + 0.1 * np.eye(3), r - mean)
    q2 = ((z.double().numpy()[:, None] - e[None]) ** 2).sum(-1)
    expect = pk.double().numpy() + mean + np.exp(-q2 / 2) @ alpha
    got = kernel_readout(z, pk, z_enrolled, residuals, length_scale=0.5).numpy()
    np.testing.assert_allclose(got, expect, atol=1e-6)
    # the values affective-memory's EnrolmentTest asserts for the same faces (the two must stay one read-out), at
    # length scale 0.5 and at the default 1
    np.testing.assert_allclose(got, [[0.15292044, -0.03016716], [0.02761558, 0.21963769]], atol=1e-6)
    np.testing.assert_allclose(kernel_readout(z, pk, z_enrolled, residuals).numpy(),
                               [[0.14108971, -0.00615841], [-0.22152032, 0.43545017]], atol=1e-6)
    # a tiny ridge interpolates the faces; far from all of them: the PK plus the mean residual
    np.testing.assert_allclose(kernel_readout(z_enrolled, torch.zeros(3, 2), z_enrolled, residuals, ridge=1e-6).numpy(),
                               r, atol=1e-4)
    far = kernel_readout(torch.tensor([[100.0, 100.0]]), torch.tensor([[0.1, -0.2]]), z_enrolled, residuals).numpy()
    np.testing.assert_allclose(far, [[0.1 + mean[0], -0.2 + mean[1]]], atol=1e-6)
    # one face (no distance to scale by): the PK plus its residual
    one = kernel_readout(z, pk, z_enrolled[:1], residuals[:1]).numpy()
    np.testing.assert_allclose(one, pk.numpy() + residuals[0].numpy(), atol=1e-6)
