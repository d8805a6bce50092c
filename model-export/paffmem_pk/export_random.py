"""Export a randomly initialized PK (for performance and contract work, not for accuracy); like every
export (export_model_dir) the directory gets encoder_u8.onnx too.

    /usr/bin/python3 -m paffmem_pk.export_random --width 1.0 --out ../data/pk-random-w1
"""
import argparse
import json

import torch

from . import configure_threads
from .export import export_model_dir
from .losses import LossConfig, manifest_losses
from .models import PK, PKConfig


def main(argv=None):
    ap = argparse.ArgumentParser(description="Export a randomly initialized PK model directory.")
    ap.add_argument("--width", type=float, default=1.0, help="width multiplier; 1.0 = the paper's network")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--model-id", default=None)
    ap.add_argument("--model-version", default="0.0.0")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    configure_threads(args.threads)
    torch.manual_seed(args.seed)
    pk = PK(PKConfig(width=args.width))
    lc = LossConfig(use_iden=False, iden_off_reason="untrained random model")
    wtag = f"{args.width:g}".replace(".", "")
    m = export_model_dir(
        pk, args.out, model_id=args.model_id or f"paffmem-pk-random-w{wtag}", model_version=args.model_version,
        losses=manifest_losses(lc, ablation=None),
        training={"kind": "random-init", "data": None, "count": 0, "steps": 0, "batch": None, "seed": args.seed,
                  "note": "randomly initialized (N(0, 0.02) weights, zero biases); not trained"},
        validation=None)
    print(json.dumps({"out": args.out, "model_id": m["model_id"],
                      "parameters": m["architecture"]["parameters"],
                      "encoder_u8": m["models"]["encoder_u8"]["file"]}, indent=2))


if __name__ == "__main__":
    main()
