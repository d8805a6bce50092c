import numpy as np
import torch

from paffmem_pk.regions import BANDS, BandReader, bands_of, features, fit, fit_mlp, fit_set_network, main as regions_main, pool, room, score

from test_adapt import _omg_set
from tiny_pk import export_tiny_pk


def test_bands_are_the_frames_rows_and_each_reader_takes_its_band():
    x = torch.arange(96, dtype=torch.float32).view(1, 1, 96, 1).expand(2, 3, 96, 96)
    b = bands_of(x)
    assert set(b) == set(BANDS)
    for k, (top, bottom) in BANDS.items():
        assert b[k].shape == (2, 3, bottom - top, 96) and b[k][0, 0, 0, 0] == top and b[k][0, 0, -1, 0] == bottom - 1
        assert BandReader()(b[k]).shape == (2, 2)


def test_features_are_the_running_mean_of_band_minus_pk():
    pk = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    bands = np.zeros((3, 3, 2))
    bands[:, 1, 0] = [1.0, 1.0, 4.0]  # band 1, arousal
    f = features(bands, pk)
    assert f.shape == (3, 6)
    np.testing.assert_allclose(f[:, 2], [1.0, 0.5, 5.0 / 3.0])  # (1-0), (1-1), (4-0): running means
    np.testing.assert_allclose(f[:, 1], [0.0, 0.0, -1.0 / 3.0])  # band 0 valence minus the PK's
    g = features(bands, pk, stride=2)  # frames 0 and 2 read; frame 1 keeps frame 0's mean
    np.testing.assert_allclose(g[:, 2], [1.0, 1.0, 2.5])
    np.testing.assert_allclose(features(bands, pk, cap=2)[:, 2], [1.0, 0.5, 0.5])  # frame 2 past the cap


def _persons(rng, n, frames=60):
    """Synthetic readings: each person's mood moves the PK and every band alike; their anatomy adds an offset to band
    1's arousal and, halved, to the PK's arousal (the PK's bias); the truth is the mood."""
    video, utt, kind, pk, bands, y = [], [], [], [], [], []
    for p in range(n):
        off = rng.uniform(-0.6, 0.6)
        mood = rng.uniform(-0.5, 0.5, 2)
        for u in range(3):
            e = mood + 0.4 * rng.standard_normal(2) + 0.05 * rng.standard_normal((frames, 2))
            r = e + [0.5 * off, 0.0]
            bnd = np.repeat(e[:, None, :], 3, 1) + 0.05 * rng.standard_normal((frames, 3, 2))
            bnd[:, 1, 0] += off
            pk.append(r)
            bands.append(bnd)
            y.append(e)
            video += [f"p{p}"] * frames
            utt += [f"u{u}"] * frames
            kind += ["identity_confound"] * frames
    return {"pk": np.concatenate(pk), "bands": np.concatenate(bands), "y": np.concatenate(y),
            "video": np.array(video), "utt": np.array(utt), "type": np.array(kind),
            "anatomy_person": np.array([f"p{p}" for p in range(n)]),
            "anatomy": np.array(["corners-3.0" if p % 2 else "tinted_lenses+0.8;folds+0.4" for p in range(n)])}


def test_the_correction_learns_which_region_disagreement_carries_the_bias_and_lifts_the_ccc():
    rng = np.random.default_rng(0)
    model = fit([_persons(rng, 120)], ridge=1e-4, frames=60)
    # the PK's bias is half the offset, which is band 1's arousal minus the PK's (feature 2, band-major, a/v) and minus
    # bands 0 and 2's (features 0 and 4): together they carry it with weight 1; valence gets no correction
    w = model["w"]
    assert abs(w[2, 0] - w[0, 0] - w[4, 0] - 1.0) < 0.1 and np.abs(w[:, 1]).max() < 0.05
    res = score(_persons(rng, 60), model, n0=5, bootstrap=200, by_trait=True)
    a_pk, a_c = res["all"]["pk"][0], res["all"]["corrected"][0]
    assert a_c > a_pk + 0.02 and abs(res["all"]["corrected"][1] - res["all"]["pk"][1]) < 0.01
    (lo_a, hi_a), (lo_v, hi_v) = res["all"]["delta_ci"]
    assert 0 < lo_a <= a_c - a_pk <= hi_a and lo_v <= 0.0 <= hi_v and res["all"]["videos"] == 60
    # the estimate at each video's last frame is its bias (half the offset) up to the bands' noise; the oracle, which
    # subtracts the true bias, is at least as good
    assert res["all"]["r"][0] > 0.95 and 0.8 < res["all"]["share"][0] < 1.2
    assert res["all"]["oracle"][0] >= a_c - 0.01
    # by trait: each confound person counts in each of their traits' rows
    assert res["corners"]["videos"] == 30 and res["tinted_lenses"]["videos"] == 30 and res["lines"]["videos"] == 30


def test_room_splits_the_oracle_by_trait_and_finds_the_band_that_follows_the_bias():
    rng = np.random.default_rng(2)
    model = fit([_persons(rng, 120)], ridge=1e-4, frames=60)
    d = _persons(rng, 40)
    res = room(d, model, trait="corners", n0=5)
    assert res["persons"] == 40 and res["with_trait"] == 20  # odd persons have corners
    # the oracle for every person is the most; the correction nearly reaches it here; either half of it in between
    a = {k: res[k][0] for k in ("corrected", "oracle", "oracle_trait", "oracle_others")}
    assert a["oracle"] >= max(a["oracle_trait"], a["oracle_others"]) - 1e-9
    assert min(a["oracle_trait"], a["oracle_others"]) >= a["corrected"] - 0.01 and a["oracle"] > 0.05
    # band 1 (eyes) reads the whole offset, the PK half of it: its mean disagreement is the bias (slope +1); the
    # other bands read none of it (slope -1); valence has no bias
    for group in ("with", "without"):
        bands = res[group]["bands"]
        assert bands["eyes"]["r"][0] > 0.95 and abs(bands["eyes"]["slope"][0] - 1) < 0.1
        assert bands["mouth"]["r"][0] < -0.95 and abs(bands["mouth"]["slope"][0] + 1) < 0.1
    assert room({**d, "type": np.full(len(d["type"]), "typical")}, model) == {}  # no confounded person: no room


def test_the_nonlinear_estimators_learn_the_bias_too_and_score_like_the_ridge():
    rng = np.random.default_rng(3)
    fits, test = [_persons(rng, 120)], _persons(rng, 40)
    for model in (fit_mlp(fits, frames=60, steps=600), fit_set_network(fits, frames=60, hidden=16, k=8, steps=600)):
        res = score(test, model, n0=5, stride=2)
        # the bias is band 1's arousal disagreement: both find it, and leave valence alone
        assert res["all"]["r"][0] > 0.9 and res["all"]["corrected"][0] > res["all"]["pk"][0] + 0.02, model["kind"]
        assert abs(res["all"]["corrected"][1] - res["all"]["pk"][1]) < 0.02, model["kind"]
        assert model["persons"] == 120


def test_read_caches_the_pk_and_band_readings_of_every_frame(tmp_path):
    model = str(tmp_path / "pk")
    export_tiny_pk(model, "tiny", seed=3)
    data = _omg_set(str(tmp_path / "set"), [("a", "identity_confound", "corners-2.79"), ("b", "typical", "")],
                    frames=3)
    readers = str(tmp_path / "readers.pt")
    torch.save({"bands": BANDS, "state": torch.nn.ModuleDict({k: BandReader() for k in BANDS}).state_dict(),
                "steps": 0}, readers)
    out = str(tmp_path / "read.npz")
    regions_main(["read", "--model-dir", model, "--readers", readers, "--dataset", data, "--out", out])
    d = np.load(out)
    assert d["pk"].shape == (6, 2) and d["bands"].shape == (6, 3, 2) and list(d["video"]) == ["a"] * 3 + ["b"] * 3
    assert list(d["band_names"]) == list(BANDS) and dict(zip(d["anatomy_person"], d["anatomy"]))["a"] == "corners-2.79"


def test_train_on_labels_or_on_the_pks_readings_then_read_an_affectnet_layout_set_person_by_person(tmp_path,
                                                                                                affectnet_dir):
    model = str(tmp_path / "pk")
    export_tiny_pk(model, "tiny", seed=3)
    for target in ("labels", "pk"):
        out = str(tmp_path / f"readers-{target}.pt")
        args = ["train", "--data", affectnet_dir, "--out", out, "--steps", "2", "--batch", "4", "--target", target]
        regions_main(args + (["--model-dir", model] if target == "pk" else []))
        assert torch.load(out)["target"] == target
    read = str(tmp_path / "read.npz")
    regions_main(["read", "--model-dir", model, "--readers", out, "--dataset", affectnet_dir, "--out", read])
    d = np.load(read)
    # validation.csv's 12 faces of 3 persons, each person's faces one "video"
    assert d["pk"].shape == (12, 2) and sorted(set(d["video"])) == ["va-00000", "va-00001", "va-00002"]
    assert list(d["video"]) == sorted(d["video"])


def test_training_on_the_pks_readings_needs_the_model():
    import pytest

    with pytest.raises(SystemExit):
        regions_main(["train", "--data", "x", "--out", "y", "--target", "pk"])


def test_readers_trained_on_other_bands_are_refused(tmp_path):
    import pytest

    from paffmem_pk.regions import load_readers

    path = str(tmp_path / "r.pt")
    torch.save({"bands": {"brows": (0, 10)}, "state": {}, "steps": 0}, path)
    with pytest.raises(ValueError, match="bands"):
        load_readers(path)


def test_pooled_sets_keep_persons_of_the_same_name_apart_and_score_as_one():
    rng = np.random.default_rng(1)
    model = fit([_persons(rng, 60)], ridge=1e-4, frames=60)
    a, b = _persons(rng, 1), _persons(rng, 1)  # one person each, both named p0
    c, d = _persons(rng, 20), _persons(rng, 20)
    merged = {k: np.concatenate([a[k], b[k]]) for k in a}
    assert score(merged, model, n0=5)["all"]["videos"] == 1  # without the prefix their frames run together
    pooled = pool({"x/one.npz": a, "two.npz": b, "c.npz": c, "d.npz": d})
    assert list(np.unique(pooled["video"]))[:2] == ["c/p0", "c/p1"] and "one/p0" in set(pooled["video"])
    res = score(pooled, model, n0=5, by_trait=True)
    assert res["all"]["videos"] == 42
    # each confound person's traits are found under their prefixed name: p0 of every set has lenses and folds
    assert res["tinted_lenses"]["videos"] == 22 and res["corners"]["videos"] == 20
    both = {k: np.concatenate([c[k], d[k]]) for k in c}
    np.testing.assert_allclose(score(pool({"c": c, "d": d}), model, n0=5)["all"]["corrected"],
                               score(both, model, n0=5)["all"]["corrected"])


def test_export_adds_the_readers_behind_uint8_frames_and_the_regression_to_the_manifest(tmp_path):
    import json

    import onnx

    from paffmem_pk.data import to_tensor
    from paffmem_pk.manifest import sha256_file, validate_model_dir
    from paffmem_pk.regions import RegionsU8, load_readers

    model = str(tmp_path / "pk")
    export_tiny_pk(model, "tiny", seed=3)
    torch.manual_seed(5)
    readers = str(tmp_path / "readers.pt")
    torch.save({"bands": BANDS, "state": torch.nn.ModuleDict({k: BandReader() for k in BANDS}).state_dict(),
                "steps": 0}, readers)
    fit_set = str(tmp_path / "fit.npz")
    np.savez(fit_set, **_persons(np.random.default_rng(2), 40))
    regions_main(["export", "--readers", readers, "--fit", fit_set, "--model-dir", model, "--n0", "30"])
    m = validate_model_dir(model)  # the rest of the contract still holds
    r = m["models"]["regions"]
    assert r["inputs"][0]["dtype"] == "uint8" and r["inputs"][0]["shape"] == [-1, 96, 96, 3]
    assert r["outputs"] == [{"name": "bands", "shape": [-1, 6], "dtype": "float32"}]
    assert sha256_file(str(tmp_path / "pk" / r["file"])) == r["sha256"]
    expected = fit([dict(np.load(fit_set))], 0.01, 100)
    np.testing.assert_allclose(np.array(r["correction"]["w"]), expected["w"], atol=1e-6)
    np.testing.assert_allclose(r["correction"]["mu"], expected["mu"], atol=1e-6)
    assert r["correction"]["n0"] == 30 and np.array(r["correction"]["w"]).shape == (6, 2)
    graph = onnx.load(str(tmp_path / "pk" / r["file"])).graph
    assert graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.UINT8
    # the parity fixture is what the readers read in those bytes, through the PK's conversion and each band's rows
    rgb = np.fromfile(str(tmp_path / "pk" / r["parity"]["rgb"]), dtype=np.uint8).reshape(r["parity"]["shape"])
    loaded = load_readers(readers)
    with torch.no_grad():
        bands = bands_of(to_tensor(rgb))
        want = torch.cat([loaded[k](bands[k]) for k in BANDS], 1).numpy()
        got = RegionsU8(loaded, -1.0, 1.0)(torch.from_numpy(rgb)).numpy()
    np.testing.assert_allclose(got, want, atol=1e-5)  # the spelt-out pooling is the adaptive one
    np.testing.assert_allclose(np.array(r["parity"]["bands"]), want, atol=1e-5)
    with open(tmp_path / "pk" / "manifest.json") as f:
        manifest = json.load(f)
    assert manifest["models"]["encoder"]["file"] == "encoder.onnx"
    import pytest

    manifest["models"]["regions"]["correction"]["w"] = manifest["models"]["regions"]["correction"]["w"][:5]
    with open(tmp_path / "pk" / "manifest.json", "w") as f:
        json.dump(manifest, f)
    with pytest.raises(ValueError, match="correction must have"):
        validate_model_dir(model)
