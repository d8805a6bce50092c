"""P-AffMem prior-knowledge (PK) adversarial autoencoder: model, training, ONNX export.

Importing the package pins OpenBLAS to one thread before numpy/torch load it
(see shared/STACK.md: otherwise the 2 cores are oversubscribed).
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

IMAGE_SIZE = 96
Z_DIM = 50
LABEL_REPEAT = 50  # the generator sees each of valence and arousal repeated 50 times
LABEL_ORDER = ("arousal", "valence")  # order of every affect tensor in and out of the package


def configure_threads(n: int = 2) -> None:
    """torch intra-op threads (2 on this machine); OpenBLAS stays at 1."""
    import torch

    torch.set_num_threads(max(1, int(n)))
