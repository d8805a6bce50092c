"""P-AffMem prior-knowledge (PK) adversarial autoencoder: model, training, ONNX export.

The constants every module shares; importing the package changes nothing in the process (the
command-line tools set their thread budget when they start: :func:`configure_threads`).
"""
from .threads import configure_threads  # noqa: F401  (the tools' entry point to it)

IMAGE_SIZE = 96
Z_DIM = 50
LABEL_REPEAT = 50  # the generator sees each of valence and arousal repeated 50 times
LABEL_ORDER = ("arousal", "valence")  # order of every affect tensor in and out of the package
