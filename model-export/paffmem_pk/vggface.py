"""VGG-Face (Parkhi et al., 2015) feature extractor for the identity loss, read from the
MatConvNet file `vgg_face.mat` with scipy.io.loadmat. The weights are not shipped: the user
supplies the file, and without it the identity loss is off (recorded in the manifest).

Layouts read: `net.layers` (the Oxford `vgg_face_matconvnet` release) or top-level `layers`
(MatConvNet's `vgg-face.mat`); each layer a struct with `type` ('conv', 'relu', 'pool', ...),
`name`, and either `weights` = {filters, biases} or the older `filters` / `biases` fields.
MatConvNet filters are H x W x Cin x Cout and, like PyTorch, compute a cross-correlation.
"""
import numpy as np
import torch
from torch import nn

# Default mean RGB pixel of VGG-Face (used if the file has no normalization.averageImage).
VGGFACE_MEAN_RGB = (129.1863, 104.7624, 93.5940)


def _unwrap(x):
    """Strip MATLAB's 1x1 object/struct wrappers."""
    while isinstance(x, np.ndarray) and x.dtype == object and x.size == 1:
        x = x.reshape(-1)[0]
    return x


def _field(s, name, default=None):
    s = _unwrap(s)
    if hasattr(s, "_fieldnames"):
        return getattr(s, name) if name in s._fieldnames else default
    if isinstance(s, np.ndarray) and s.dtype.names and name in s.dtype.names:
        return s[name]
    return default


def _str(x) -> str:
    x = _unwrap(x)
    if isinstance(x, np.ndarray):
        return "".join(str(c) for c in x.ravel()) if x.dtype.kind == "U" and x.ndim and x.size > 1 else (str(x.ravel()[0]) if x.size else "")
    return str(x)


def _ints(x, n):
    a = np.asarray(_unwrap(x), dtype=np.float64).ravel()
    if a.size == 1:
        a = np.repeat(a, n)
    return [int(v) for v in a]


def _conv_params(layer):
    w = _field(layer, "weights")
    if w is not None:
        w = np.asarray(w, dtype=object).ravel()
        filters, biases = _unwrap(w[0]), _unwrap(w[1])
    else:
        filters, biases = _unwrap(_field(layer, "filters")), _unwrap(_field(layer, "biases"))
    filters = np.asarray(filters, dtype=np.float32)
    biases = np.asarray(biases, dtype=np.float32).ravel()
    while filters.ndim < 4:  # MATLAB drops trailing singleton dimensions
        filters = filters[..., None]
    return filters, biases


class VGGFeatures(nn.Module):
    """Runs the VGG-Face convolutional stack up to the last tapped layer and returns the taps.
    Input: RGB in [-1, 1]; converted to VGG-Face's 0..255 minus the mean pixel."""

    def __init__(self, layers: nn.ModuleList, taps, mean_rgb):
        super().__init__()
        self.layers = layers
        self.taps = list(taps)
        self.register_buffer("mean", torch.tensor(mean_rgb, dtype=torch.float32).view(1, 3, 1, 1))
        for p in self.parameters():
            p.requires_grad_(False)
        self.eval()

    def train(self, mode=True):  # frozen: always in eval mode
        return super().train(False)

    def forward(self, image):
        h = (image + 1.0) * 127.5 - self.mean
        out = []
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i in self.taps:
                out.append(h)
                if len(out) == len(self.taps):
                    break
        return out


def load_vggface_mat(path: str, taps: str = "blocks", n_taps: int = 5) -> VGGFeatures:
    """Build the frozen feature extractor.

    taps="blocks": the last ReLU of each of the first `n_taps` convolutional blocks
    (relu1_2, relu2_2, relu3_3, relu4_3, relu5_3 in VGG-Face); taps="convs": the ReLU after
    each of the first `n_taps` convolutions (the paper's "five first convolutional layers").
    """
    from scipy.io import loadmat

    try:
        mat = loadmat(path, struct_as_record=False, squeeze_me=False)
    except NotImplementedError as e:  # MATLAB v7.3 (HDF5) files
        raise ValueError(f"{path}: MATLAB v7.3 files are not supported; re-save with -v7") from e
    net = mat.get("net")
    root = _unwrap(net) if net is not None else None
    raw_layers = _field(root, "layers") if root is not None else mat.get("layers")
    if raw_layers is None:
        raise ValueError(f"{path}: no 'net.layers' or 'layers' in the file")
    raw_layers = np.asarray(raw_layers, dtype=object).ravel()

    mean = None
    for holder in (root, _unwrap(_field(root, "meta")) if root is not None else None, _unwrap(mat.get("meta"))):
        norm = _field(holder, "normalization") if holder is not None else None
        avg = _field(norm, "averageImage") if norm is not None else None
        if avg is not None and np.asarray(_unwrap(avg)).size >= 3:
            a = np.asarray(_unwrap(avg), dtype=np.float64)
            mean = tuple(float(v) for v in a.reshape(-1, 3).mean(axis=0)) if a.ndim != 1 else tuple(a[:3])
            break
    mean = mean or VGGFACE_MEAN_RGB

    modules, conv_relus, block_ends = [], [], []
    last_relu, pending_conv = None, False
    for raw in raw_layers:
        layer = _unwrap(raw)
        kind = _str(_field(layer, "type")).lower()
        if kind == "conv":
            filters, biases = _conv_params(layer)
            kh, kw, cin, cout = filters.shape
            if kh > 3 and len(block_ends) >= 5:  # fully connected layers written as convs
                break
            stride = _ints(_field(layer, "stride", 1), 2)
            pad = _ints(_field(layer, "pad", 0), 4)  # top bottom left right
            if pad[0] != pad[1] or pad[2] != pad[3]:
                raise ValueError("asymmetric padding is not supported")
            conv = nn.Conv2d(cin, cout, (kh, kw), stride=tuple(stride), padding=(pad[0], pad[2]))
            conv.weight.data = torch.from_numpy(np.ascontiguousarray(filters.transpose(3, 2, 0, 1)))
            conv.bias.data = torch.from_numpy(biases.copy())
            modules.append(conv)
            pending_conv = True
        elif kind == "relu":
            modules.append(nn.ReLU())
            last_relu = len(modules) - 1
            if pending_conv:
                conv_relus.append(last_relu)
                pending_conv = False
        elif kind == "pool":
            k = _ints(_field(layer, "pool", 2), 2)
            s = _ints(_field(layer, "stride", 2), 2)
            if last_relu is not None:
                block_ends.append(last_relu)
            modules.append(nn.MaxPool2d(tuple(k), tuple(s), ceil_mode=True))
        else:  # dropout, softmax, fc: beyond the convolutional part
            break
        if (taps == "convs" and len(conv_relus) >= n_taps) or (taps == "blocks" and len(block_ends) >= n_taps):
            break
    if taps == "blocks" and len(block_ends) < n_taps and last_relu is not None and last_relu not in block_ends:
        block_ends.append(last_relu)  # the last block may end without a pool
    chosen = (conv_relus if taps == "convs" else block_ends)[:n_taps]
    if len(chosen) < n_taps:
        raise ValueError(f"{path}: found {len(chosen)} {taps} taps, need {n_taps}")
    return VGGFeatures(nn.ModuleList(modules[: chosen[-1] + 1]), chosen, mean)


def identity_loss(features: VGGFeatures, x, x_rec):
    """Paper eq. 2: sum over tapped layers of the L1 distance of the activations."""
    fx = features(x)
    fr = features(x_rec)
    return sum(torch.mean(torch.abs(a.detach() - b)) for a, b in zip(fx, fr))
