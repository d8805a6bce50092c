import json
import os
import subprocess
import sys

import pytest
import torch

from paffmem_pk.export import main as export_main
from paffmem_pk.manifest import validate_model_dir
from paffmem_pk.train import main as train_main

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_help_runs():
    out = subprocess.run([sys.executable, "-m", "paffmem_pk.train", "--help"], cwd=HERE, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert out.returncode == 0 and "--ablation" in out.stdout and "--vggface" in out.stdout


def test_train_resume_and_export(tmp_path, affectnet_dir):
    run = str(tmp_path / "run")
    out = str(tmp_path / "model")
    common = ["--data", affectnet_dir, "--width", "0.0625", "--batch", "4", "--run", run, "--val-every", "2",
              "--ckpt-every", "2", "--log-every", "1", "--workers", "1", "--no-progress", "--seed", "3",
              "--data-kind", "test-synthetic", "--person-regex", r"([^/]+)_\d+\.\w+$"]
    train_main(common + ["--steps", "3"])
    ck = torch.load(os.path.join(run, "last.pt"))
    assert ck["step"] == 3
    train_main(common + ["--steps", "5", "--export", out])  # resumes from step 3
    ck = torch.load(os.path.join(run, "last.pt"))
    assert ck["step"] == 5
    with open(os.path.join(run, "log.jsonl")) as f:
        log = [json.loads(line) for line in f]
    assert [r["step"] for r in log if "total" in r] == [1, 2, 3, 4, 5]
    assert any("validation" in r for r in log)

    m = validate_model_dir(out)
    assert m["training"]["steps"] == 5 and m["training"]["count"] == 24 and m["training"]["batch"] == 4
    assert m["training"]["kind"] == "test-synthetic" and m["training"]["seed"] == 3
    assert m["training"]["device"] == ("cuda" if torch.cuda.is_available() else "cpu")  # --device auto
    assert m["training"]["persons"] == 4 and m["validation"]["persons"] == 3
    assert m["validation"]["samples"] == 12 and -1 <= m["validation"]["ccc_valence"] <= 1
    assert m["losses"]["iden"]["enabled"] is False and m["losses"]["em"] == {"enabled": True, "weight": 0.02}

    # the stand-alone exporter reproduces the same directory contract from the checkpoint
    out2 = str(tmp_path / "model2")
    export_main(["--checkpoint", os.path.join(run, "last.pt"), "--out", out2, "--schedule", "stage 1 then 2"])
    m2 = validate_model_dir(out2)
    assert m2["models"]["encoder"]["sha256"] == m["models"]["encoder"]["sha256"]  # deterministic export
    assert m2["validation"] == m["validation"]
    assert m2["training"]["schedule"] == "stage 1 then 2" and m2["training"]["steps"] == 5
    assert "schedule" not in m["training"]


def test_ablation_flags_reach_the_manifest(tmp_path, affectnet_dir):
    out = str(tmp_path / "m")
    train_main(["--data", affectnet_dir, "--width", "0.0625", "--batch", "4", "--steps", "1", "--run",
                str(tmp_path / "r"), "--workers", "1", "--no-progress", "--ablation", "real+em", "--export", out])
    losses = validate_model_dir(out)["losses"]
    assert losses["ablation"] == "real+em"
    assert losses["img"]["enabled"] and losses["em"]["enabled"] and not losses["prior"]["enabled"]


def test_resume_refuses_another_width(tmp_path, affectnet_dir):
    args = ["--data", affectnet_dir, "--batch", "4", "--steps", "1", "--run", str(tmp_path / "r"), "--workers", "1",
            "--no-progress"]
    train_main(args + ["--width", "0.0625"])
    with pytest.raises(SystemExit):
        train_main(args + ["--width", "0.125", "--steps", "2"])


def test_max_minutes_stops_early_and_still_checkpoints(tmp_path, affectnet_dir):
    run = str(tmp_path / "r")
    train_main(["--data", affectnet_dir, "--width", "0.0625", "--batch", "4", "--steps", "1000", "--run", run,
                "--workers", "1", "--no-progress", "--max-minutes", "0.000001"])
    ck = torch.load(os.path.join(run, "last.pt"))
    assert ck["step"] < 1000 and ck["export_meta"]["validation"]["step"] == ck["step"]


def test_device_auto_cpu_and_cuda():
    from paffmem_pk.train import resolve_device

    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if torch.cuda.is_available():
        assert resolve_device("cuda").type == "cuda"
    else:
        with pytest.raises(SystemExit, match="--device cuda"):
            resolve_device("cuda")


def test_the_manifest_names_data_inside_the_repository_relative_to_it(tmp_path):
    import os

    from paffmem_pk.train import portable_path

    here = os.path.dirname(os.path.abspath(__file__))  # model-export/tests
    assert portable_path(os.path.join(here, "..", "..", "data", "synth-affectnet-v2")) == os.path.join(
        "data", "synth-affectnet-v2")
    assert portable_path(str(tmp_path)) == str(tmp_path)  # outside: as it is
