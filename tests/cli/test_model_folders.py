"""--model-dir integrity (issue 11, item 3): one artefact format for churn, recommend and sentiment,
verified before anything is deserialised; tampered, foreign or other-kind folders are refused with
exit 2 and one line; writing never clobbers a folder that is not one of our models."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import ConfigError
from core.models.artefact import read_model_dir, sha256_file, write_model_dir
from tests import cli_runner


def _one_line(proc, *needles):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in proc.stderr, proc.stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("mf")
    rng = np.random.default_rng(0)
    n = 80
    tenure = rng.integers(1, 70, n)
    churn = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "tenure": tenure,
            "plan": rng.choice(["basic", "pro"], n),
            "churn": np.where(tenure + rng.normal(0, 10, n) < 30, "Yes", "No"),
        }
    )
    churn.to_csv(root / "churn.csv", index=False)
    users = np.repeat([f"u{i}" for i in range(20)], 4)
    items = [f"i{(i // 4 + k) % 8}" for i in range(20) for k in range(4)]
    ts = pd.date_range("2024-01-01", periods=len(users), freq="h")
    pd.DataFrame({"user": users, "item": items, "ts": ts}).to_csv(root / "inter.csv", index=False)
    return root


@pytest.fixture(scope="module")
def models(files, tmp_path_factory, isolated_data_dir):
    """A real churn model and a real recommender, trained once through the CLI (in the data folder
    `run_cli` uses: its signing key signs them, issue 24 item 9)."""
    import os

    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, CE_DATA_DIR=str(isolated_data_dir), OMP_NUM_THREADS="1", PYTHONPATH=str(repo))
    root = tmp_path_factory.mktemp("models")
    for argv in (
        [
            "churn",
            "fit",
            files / "churn.csv",
            "--id",
            "id",
            "--label",
            "churn",
            "--epochs",
            "1",
            "--model-dir",
            root / "churn",
        ],
        [
            "recommend",
            "fit",
            files / "inter.csv",
            "--user",
            "user",
            "--item",
            "item",
            "--time",
            "ts",
            "--epochs",
            "1",
            "--hidden",
            "16",
            "--layers",
            "1",
            "--heads",
            "1",
            "--max-len",
            "8",
            "--model-dir",
            root / "rec",
        ],
    ):
        proc = cli_runner.run(argv, env, cwd=repo, timeout=300)
        assert proc.returncode == 0, proc.stderr
        # no torch warnings leak on success: stderr holds only the model card's own notes (issue 24
        # item 8: a model no better than chance or than its baseline says so), exactly as in the JSON
        notes = json.loads(proc.stdout).get("notes", [])
        assert proc.stderr == "".join(f"warning: {n}\n" for n in notes)
    return root


def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


def test_a_model_folder_records_every_file_and_loads(models, files, run_cli, tmp_path):
    meta = json.loads((models / "churn" / "meta.json").read_text())
    assert meta["kind"] == "churn" and set(meta["files"]) == {"weights.pt"}
    assert meta["files"]["weights.pt"]["sha256"] == sha256_file(models / "churn" / "weights.pt")
    proc = run_cli(
        "churn",
        "predict",
        files / "churn.csv",
        "--id",
        "id",
        "--model-dir",
        models / "churn",
        "--out",
        tmp_path / "p.csv",
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    p = pd.read_csv(tmp_path / "p.csv")["churn_probability"]
    assert p.notna().all() and p.between(0, 1).all()


@pytest.mark.parametrize("kind,target", [("churn", "weights.pt"), ("rec", "model.pt"), ("rec", "history.npz")])
def test_flipped_bits_are_refused(models, files, run_cli, tmp_path, kind, target):
    folder = _copy(models / kind, tmp_path / "m")
    raw = bytearray((folder / target).read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    (folder / target).write_bytes(bytes(raw))
    if kind == "churn":
        proc = run_cli(
            "churn", "predict", files / "churn.csv", "--id", "id", "--model-dir", folder, "--out", tmp_path / "p.csv"
        )
    else:
        proc = run_cli("recommend", "predict", "--model-dir", folder, "--out", tmp_path / "p.csv")
    _one_line(proc, target, "integrity")
    assert not (tmp_path / "p.csv").exists()


def test_an_edited_meta_json_or_a_missing_file_is_refused(models, files, run_cli, tmp_path):
    folder = _copy(models / "churn", tmp_path / "m")
    meta = json.loads((folder / "meta.json").read_text())
    meta["config"]["calibration"] = [0.0, 0.0]  # every probability would be 0.5
    (folder / "meta.json").write_text(json.dumps(meta))
    args = ("churn", "predict", files / "churn.csv", "--id", "id", "--model-dir", folder, "--out", tmp_path / "p.csv")
    _one_line(run_cli(*args), "meta.json", "integrity")
    folder2 = _copy(models / "churn", tmp_path / "m2")
    (folder2 / "weights.pt").unlink()
    _one_line(run_cli(*args[:6], folder2, *args[7:]), "weights.pt is missing")
    (folder2 / "meta.json").write_text("{not json")
    _one_line(run_cli(*args[:6], folder2, *args[7:]), "integrity")


def test_a_model_of_another_kind_is_refused(models, files, run_cli, tmp_path):
    _one_line(
        run_cli("recommend", "predict", "--model-dir", models / "churn", "--out", tmp_path / "p.csv"),
        "holds a churn model, not a recommend model",
    )
    _one_line(
        run_cli(
            "sentiment",
            "predict",
            files / "churn.csv",
            "--text",
            "plan",
            "--model-dir",
            models / "rec",
            "--out",
            tmp_path / "p.csv",
        ),
        "holds a recommend model",
    )
    # and fitting into it is refused before any training, leaving it as it was
    before = sha256_file(models / "rec" / "meta.json")
    _one_line(
        run_cli("churn", "fit", files / "churn.csv", "--id", "id", "--label", "churn", "--model-dir", models / "rec"),
        "holds a recommend model",
    )
    assert sha256_file(models / "rec" / "meta.json") == before


def test_fit_never_writes_into_a_foreign_folder_or_over_a_file(files, run_cli, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8 not ours")
    _one_line(
        run_cli("churn", "fit", files / "churn.csv", "--id", "id", "--label", "churn", "--model-dir", folder),
        "not empty",
    )
    assert [p.name for p in folder.iterdir()] == ["holiday.jpg"]
    _one_line(
        run_cli(
            "churn", "fit", files / "churn.csv", "--id", "id", "--label", "churn", "--model-dir", files / "churn.csv"
        ),
        "input file",
    )


def test_refitting_replaces_a_model_of_the_same_kind_atomically(tmp_path):
    def writer(payload):
        return lambda d: (d / "w.bin").write_bytes(payload)

    path = write_model_dir(tmp_path / "m", "churn", "v1", {"a": 1}, writer(b"one"))
    write_model_dir(path, "churn", "v1", {"a": 2}, writer(b"two"))
    folder, config = read_model_dir(path, "churn", "v1", "fit")
    assert config == {"a": 2} and (folder / "w.bin").read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]  # no temp or old folder left

    def broken(d):
        (d / "w.bin").write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_model_dir(path, "churn", "v1", {"a": 3}, broken)
    assert read_model_dir(path, "churn", "v1", "fit")[1] == {"a": 2}  # the old model is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
    with pytest.raises(ConfigError, match="made by v1"):
        read_model_dir(path, "churn", "v2", "fit")
    os.chmod(path / "w.bin", 0o644)
    (path / "w.bin").write_bytes(b"twO")  # same size, other bytes
    with pytest.raises(ConfigError, match="integrity"):
        read_model_dir(path, "churn", "v1", "fit")


def test_out_never_lands_inside_the_model_folder_being_read(models, files, run_cli, tmp_path):
    before = sha256_file(models / "rec" / "meta.json")
    _one_line(
        run_cli("recommend", "predict", "--model-dir", models / "rec", "--out", models / "rec" / "meta.json"),
        "inside the input folder",
    )
    _one_line(
        run_cli(
            "churn",
            "predict",
            files / "churn.csv",
            "--id",
            "id",
            "--model-dir",
            models / "churn",
            "--out",
            models / "churn" / "p.csv",
        ),
        "inside the input folder",
    )
    assert sha256_file(models / "rec" / "meta.json") == before and not (models / "churn" / "p.csv").exists()


# ---- signed folders (issue 24 item 9) ------------------------------------------------------------------


class _Run:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _here(capsys, *args) -> _Run:
    """`python -m core ARGS` through its entry point in this process (saves the interpreter start)."""
    from core.__main__ import main

    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return _Run(code, out.out, out.err)


def test_an_edited_meta_json_with_its_digest_recomputed_is_refused_unless_trusted(models, files, capsys, tmp_path):
    from core.cohorts.churn import ChurnPredictor
    from core.cohorts.datasets import read_csv_bytes, snapshot_dataset
    from core.models import artefact

    folder = _copy(models / "churn", tmp_path / "m")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    a, b = meta["config"]["calibration"]
    meta["config"]["calibration"] = [-a, -b]  # every prediction inverted
    meta["sha256"] = artefact._meta_digest(meta)  # the product's own digest, recomputed
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    args = ["churn", "predict", files / "churn.csv", "--id", "id", "--model-dir", folder, "--out", tmp_path / "p.csv"]
    _one_line(_here(capsys, *args), "signature", "--trust-model-dir")
    assert not (tmp_path / "p.csv").exists()
    with pytest.raises(ConfigError, match="signature"):
        read_model_dir(folder, "churn", meta["code_version"], "fit")
    # the analyst's explicit trust loads it (its files' sha256s still checked), inverted as edited
    res = _here(capsys, *args, "--trust-model-dir")
    assert res.returncode == 0, res.stderr
    data = snapshot_dataset(read_csv_bytes((files / "churn.csv").read_bytes(), source="churn.csv"), "id", None)
    p_good = ChurnPredictor.load(models / "churn").predict_proba(data.features).to_numpy()
    p_edit = pd.read_csv(tmp_path / "p.csv")["churn_probability"].to_numpy()
    assert np.allclose(p_good + p_edit, 1.0, atol=1e-5)  # sigmoid(-x) = 1 - sigmoid(x)
    # batch scoring reads the same folder under the same rule, and has the flag its error names
    table = tmp_path / "users.parquet"
    pd.read_csv(files / "churn.csv").to_parquet(table, index=False)
    score = ["score", "users", "--input", table, "--id", "id", "--model-dir", folder, "--out", tmp_path / "s"]
    _one_line(_here(capsys, *score), "signature", "--trust-model-dir")
    assert not (tmp_path / "s").exists()
    res = _here(capsys, *score, "--trust-model-dir")
    assert res.returncode == 0, res.stderr
    scored = pd.read_parquet(tmp_path / "s").set_index("id")["churn_probability"]
    inverted = pd.Series(p_edit, index=pd.read_csv(tmp_path / "p.csv")["id"].astype(str))
    assert np.allclose(scored.loc[inverted.index].to_numpy(), inverted.to_numpy(), atol=1e-5)


def test_a_folder_from_another_data_folder_or_unsigned_is_refused_unless_trusted(models, capsys, monkeypatch, tmp_path):
    from core.config import model_key_path
    from core.models.sasrec import CODE_VERSION

    ours = model_key_path().read_bytes()
    argv = ["recommend", "predict", "--model-dir", str(models / "rec"), "--k", "3", "--out", str(tmp_path / "r.csv")]

    def other(*extra):  # another installation: its own data folder, so its own key (made on first use)
        with monkeypatch.context() as m:
            m.setenv("CE_DATA_DIR", str(tmp_path / "other-install"))
            return _here(capsys, *argv, *extra)

    _one_line(other(), "signature this installation did not make", "--trust-model-dir")
    key = tmp_path / "other-install" / model_key_path().name
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
    assert key.read_bytes() != ours == model_key_path().read_bytes()
    assert model_key_path().stat().st_mode & 0o777 == 0o600
    res = other("--trust-model-dir")
    assert res.returncode == 0, res.stderr
    assert len(pd.read_csv(tmp_path / "r.csv")) == 20 * 3
    # unsigned (an older version's folder): its signature removed, its sha256 still right
    folder = _copy(models / "rec", tmp_path / "unsigned")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    del meta["signature"]
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ConfigError, match="is not signed"):
        read_model_dir(folder, "recommend", CODE_VERSION, "fit")
    assert read_model_dir(folder, "recommend", CODE_VERSION, "fit", trust=True)[0] == folder


def test_the_signing_key_is_made_once_even_when_processes_race(tmp_path):
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    code = "from core.models.artefact import signing_key; print(signing_key().hex())"
    env = dict(os.environ, CE_DATA_DIR=str(tmp_path), PYTHONPATH=str(repo))
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)
    ]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["model-signing.key"]  # no temporary file left
