"""Reading the project's own checkpoints (train.py, idnet.py, editor.py).

They hold more than tensors (the numpy RNG state, the run's arguments), so they are read with
`weights_only=False`, which newer PyTorch no longer assumes. Only read checkpoints you wrote: unpickling runs code.
"""
import torch


def read_checkpoint(path: str) -> dict:
    return torch.load(path, map_location="cpu", weights_only=False)
