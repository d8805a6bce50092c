"""Writes flink-job's test fixture src/test/resources/tiny-latent-model: a tiny random PK (width 0.03125) whose
generator is a random latent generator (latent.py: edits drawn in z, "edits": "z" in the manifest).

    cd model-export && /usr/bin/python3 tests/make_tiny_latent.py ../flink-job/src/test/resources/tiny-latent-model
"""
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from paffmem_pk.editor import load_frozen_pk  # noqa: E402
from paffmem_pk.latent import LatentGenerator, export_latent_dir  # noqa: E402
from tiny_pk import export_tiny_pk  # noqa: E402


def main(out):
    with tempfile.TemporaryDirectory() as tmp:
        export_tiny_pk(tmp, "tiny-latent-test", seed=11)
        frozen = load_frozen_pk(tmp)
        net = LatentGenerator(z_dim=frozen.cfg.z_dim, hidden=8, layers=1)
        with torch.no_grad():  # a new latent generator returns z unchanged, which would test nothing
            net.head.weight.normal_(0.0, 0.3)
            net.head.bias.normal_(0.0, 0.1)
        export_latent_dir(frozen, net.eval(), tmp, out, {"kind": "random test fixture", "steps": 0})


if __name__ == "__main__":
    main(sys.argv[1])
