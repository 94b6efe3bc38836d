"""The one model-folder format under a kill: a replacement killed at any step leaves the old model or
the new one, never a mix (the kill is injected between steps by a real `os._exit`, not by timing);
the model cache's entries are the same format, so a flipped byte there is refused and retrained."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

from core.models.artefact import read_model_dir, write_model_dir

CHILD = textwrap.dedent("""
    import os, shutil, sys
    sys.path.insert(0, sys.argv[1])
    import core.models.artefact as artefact
    kill_at, count = int(sys.argv[3]), [0]

    def step():
        count[0] += 1
        if count[0] == kill_at:
            os._exit(137)                      # as abrupt as kill -9: no cleanup, no finally

    def hooked(real):
        def call(*args, **kwargs):
            step()
            return real(*args, **kwargs)
        return call

    artefact.os.rename = hooked(os.rename)
    artefact.os.fsync = hooked(os.fsync)
    artefact.shutil.rmtree = hooked(shutil.rmtree)

    def write(tmp):
        for name in ("a.bin", "b.bin"):
            (tmp / name).write_bytes(b"new-" + name.encode())
            step()                             # between the files

    artefact.write_model_dir(sys.argv[2], "churn", "v1", {"version": "new"}, write)
""")


def _old(tmp):
    (tmp / "a.bin").write_bytes(b"old-a.bin")
    (tmp / "b.bin").write_bytes(b"old-b.bin")


def test_a_replacement_killed_at_every_step_leaves_the_old_or_the_new_model(tmp_path, repo_root):
    seen, kill_at = set(), 1
    while True:
        path = tmp_path / f"run{kill_at}" / "model"
        write_model_dir(path, "churn", "v1", {"version": "old"}, _old)
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(repo_root), str(path), str(kill_at)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode in (0, 137), proc.stderr
        folder, config = read_model_dir(path, "churn", "v1", "fit")  # verified: no mix passes
        version = config["version"]
        assert {f: (folder / f).read_bytes() for f in ("a.bin", "b.bin")} == {
            f: f"{version}-{f}".encode() for f in ("a.bin", "b.bin")
        }
        seen.add(version)
        if proc.returncode == 0:
            break
        kill_at += 1
        assert kill_at < 50, "the writer never finished"
    assert seen == {"old", "new"} and kill_at > 6  # every step was tried, the last one completed
    write_model_dir(path, "churn", "v1", {"version": "again"}, _old)  # a later write still works
    assert read_model_dir(path, "churn", "v1", "fit")[1] == {"version": "again"}


def test_a_flipped_byte_in_a_cached_model_is_refused_logged_and_retrained(tmp_path, caplog):
    import torch

    from core.models.cache import get_or_train, lookup

    calls = []

    def train(progress):
        calls.append(1)
        return {"w": torch.arange(64.0)}, {}, {}

    art = get_or_train("flip", "d", {}, train, code_version="v", cache_dir=tmp_path)
    raw = bytearray((art.path / "weights.pt").read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (art.path / "weights.pt").write_bytes(bytes(raw))
    assert lookup("flip", "d", {}, code_version="v", cache_dir=tmp_path) is None
    with caplog.at_level(logging.WARNING, logger="core"):
        again = get_or_train("flip", "d", {}, train, code_version="v", cache_dir=tmp_path)
    assert again.trained and len(calls) == 2 and torch.equal(again.state_dict["w"], torch.arange(64.0))
    assert "weights.pt" in caplog.text and "retraining flip" in caplog.text
