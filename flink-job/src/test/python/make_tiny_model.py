"""Writes flink-job/src/test/resources/tiny-model: a tiny random PK model in the model-export layout.

The job's tests run on it so they take milliseconds per batch; it has the same manifest format,
tensor names and shapes (N x 3 x 96 x 96 images, z of 50) as the real export. Regenerate with
  /usr/bin/python3 flink-job/src/test/python/make_tiny_model.py
"""
import hashlib
import json
import os

import numpy as np
import torch
from torch import nn

Z = 50
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "tiny-model")


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(3, 4, 4, stride=4), nn.ReLU(), nn.Conv2d(4, 8, 4, stride=4), nn.ReLU())
        self.fc = nn.Linear(8 * 6 * 6, Z)

    def forward(self, image):
        return torch.tanh(self.fc(self.conv(image).flatten(1)) * 3)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(Z + 2, 8 * 12 * 12)
        self.up = nn.ConvTranspose2d(8, 3, 8, stride=8)

    def forward(self, z, affect):
        h = torch.relu(self.fc(torch.cat([z, affect * 3], 1))).view(-1, 8, 12, 12)
        return torch.tanh(self.up(h))


class Dem(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(Z, 16), nn.ReLU(), nn.Linear(16, 2), nn.Tanh())

    def forward(self, z):
        return self.net(z)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    torch.manual_seed(7)
    os.makedirs(os.path.join(OUT, "parity"), exist_ok=True)
    enc, gen, dem = Encoder().eval(), Generator().eval(), Dem().eval()
    n = 2
    image = torch.rand(n, 3, 96, 96) * 2 - 1
    z = enc(image).detach()
    affect = torch.rand(n, 2) * 2 - 1
    specs = {
        "encoder": (enc, (image,), ["image"], ["z"]),
        "generator": (gen, (z, affect), ["z", "affect"], ["image"]),
        "dem": (dem, (z,), ["z"], ["affect"]),
    }
    models = {}
    parity = {}
    for name, (module, args, ins, outs) in specs.items():
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(module, args, path, input_names=ins, output_names=outs, opset_version=17,
                          dynamic_axes={k: {0: "N"} for k in ins + outs})
        with torch.no_grad():
            result = module(*args)
        tensors_in = [{"name": k, "shape": [-1] + list(a.shape[1:]), "dtype": "float32"} for k, a in zip(ins, args)]
        tensors_out = [{"name": outs[0], "shape": [-1] + list(result.shape[1:]), "dtype": "float32"}]
        models[name] = {"file": name + ".onnx", "sha256": sha256(path), "inputs": tensors_in, "outputs": tensors_out}
        p_in, p_out = [], []
        for k, a in zip(ins, args):
            a.numpy().astype("<f4").tofile(os.path.join(OUT, "parity", f"{name}.{k}.f32"))
            p_in.append({"name": k, "shape": list(a.shape), "file": f"{name}.{k}.f32"})
        result.numpy().astype("<f4").tofile(os.path.join(OUT, "parity", f"{name}.out.{outs[0]}.f32"))
        p_out.append({"name": outs[0], "shape": list(result.shape), "file": f"{name}.out.{outs[0]}.f32"})
        parity[name] = {"file": name + ".onnx", "inputs": p_in, "outputs": p_out}
    with open(os.path.join(OUT, "parity", "parity.json"), "w") as f:
        json.dump({"format_version": 1, "dtype": "float32", "byte_order": "little_endian", "tolerance": 1e-4,
                   "models": parity}, f, indent=2)
    manifest = {
        "format_version": 1, "model_id": "tiny-test", "model_version": "0.0.1",
        "image": {"height": 96, "width": 96, "channels": 3, "channel_order": "RGB", "layout": "NCHW",
                  "value_range": [-1.0, 1.0]},
        "z_dim": Z, "label_order": ["arousal", "valence"], "models": models,
        "notes": "random weights, for the Flink job's tests only",
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
