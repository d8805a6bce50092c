"""Initialize a PyTorch PK from an exported model directory (encoder.onnx, generator.onnx, dem.onnx).

Export names every ONNX initializer after the PyTorch parameter it came from (`conv.0.weight`,
`g.fc.weight` for the generator's wrapper, `net.0.weight`), so the weights map back one to one. The
discriminators D_prior and D_real are not exported and keep their fresh initialization: a run started this way
fine-tunes E, G and D_em while the discriminators catch up.
"""
import os

import onnx
import torch
from onnx import numpy_helper


def _initializers(path):
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def load_exported_weights(pk, model_dir: str) -> None:
    """Copies E, G and D_em from `model_dir` into `pk`; raises if a parameter is missing or its shape differs."""
    parts = (("encoder.onnx", pk.encoder, ""), ("generator.onnx", pk.generator, "g."), ("dem.onnx", pk.dem, ""))
    for file, module, prefix in parts:
        found = _initializers(os.path.join(model_dir, file))
        state = module.state_dict()
        for name, tensor in state.items():
            key = prefix + name
            if key not in found:
                raise ValueError(f"{file} has no initializer {key} (was it exported at width {pk.cfg.width}?)")
            value = torch.from_numpy(found[key].copy())
            if tuple(value.shape) != tuple(tensor.shape):
                raise ValueError(f"{file}: {key} has shape {tuple(value.shape)}, the model {tuple(tensor.shape)}")
            state[name] = value
        module.load_state_dict(state)
