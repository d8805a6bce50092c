"""Writes flink-job's test fixture src/test/resources/tiny-editor-model: a tiny random PK (width 0.03125) whose
generator is a random frame editor (editor.py, base 2), i.e. the frame-conditioned generator contract.

    cd model-export && /usr/bin/python3 tests/make_tiny_editor.py ../flink-job/src/test/resources/tiny-editor-model
"""
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from paffmem_pk.editor import FrameEditor, load_frozen_pk  # noqa: E402
from paffmem_pk.export_editor import export_editor_dir  # noqa: E402
from tiny_pk import export_tiny_pk  # noqa: E402


def main(out):
    with tempfile.TemporaryDirectory() as tmp:
        export_tiny_pk(tmp, "tiny-editor-test", seed=7)
        frozen = load_frozen_pk(tmp)
        editor = FrameEditor(base=2)
        with torch.no_grad():  # random heads: a new editor is the identity edit, which would test nothing
            editor.flow.weight.normal_(0.0, 0.3)
            editor.flow.bias.normal_(0.0, 0.3)
        export_editor_dir(frozen, editor.eval(), tmp, out, {"kind": "random test fixture", "steps": 0})


if __name__ == "__main__":
    main(sys.argv[1])
