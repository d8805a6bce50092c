import torch

from paffmem_pk.fidelity import delta_edit


class _FakePk:
    """G paints a vertical stripe whose brightness is the target's arousal; D_em reads the first z value as arousal."""

    def generator(self, z, y):
        img = torch.zeros(len(y), 3, 16, 16)
        img[:, :, :, 8] = y[:, 0].view(-1, 1, 1)
        return img

    def dem(self, z):
        return torch.stack([z[:, 0], torch.zeros(len(z))], 1)


def test_delta_edit_adds_only_what_g_changes_between_the_frames_reading_and_each_target():
    pk = _FakePk()
    x0 = torch.full((1, 3, 16, 16), 0.2)
    z0 = torch.tensor([[0.1, 0.0]])
    ys = torch.tensor([[0.1, 0.0], [0.5, 0.0], [1.0, -1.0]])
    e = delta_edit(pk, x0, z0, ys)
    assert e.shape == (3, 3, 16, 16)
    assert torch.allclose(e[0], x0[0])  # the frame's own reading: nothing changes
    assert torch.allclose(e[1][:, :, 8], torch.full((3, 16), 0.6))  # 0.2 + (0.5 - 0.1) on the stripe
    assert torch.allclose(e[1][:, :, :8], x0[0][:, :, :8])  # elsewhere the person's own pixels
    assert torch.allclose(e[2][:, :, 8], torch.full((3, 16), 1.0))  # 0.2 + 0.9 clamped to the image range
    assert torch.allclose(delta_edit(pk, x0, z0, ys, gain=0.0), x0.expand(3, -1, -1, -1))


def test_delta_edit_blur_spreads_the_change_and_keeps_its_sum_away_from_the_border():
    pk = _FakePk()
    x0 = torch.zeros(1, 3, 16, 16)
    z0 = torch.zeros(1, 2)
    ys = torch.tensor([[0.4, 0.0]])
    sharp = delta_edit(pk, x0, z0, ys)
    soft = delta_edit(pk, x0, z0, ys, blur=1.0)
    row = soft[0, 0, 8]
    assert row[8] < sharp[0, 0, 8, 8] and row[7] > 0 and row[9] > 0
    assert abs(row.sum().item() - sharp[0, 0, 8].sum().item()) < 1e-5
