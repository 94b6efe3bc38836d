"""`IngestOptions`: one object for how to ingest; `Reviewed` says which version the user confirmed."""

from __future__ import annotations

import pytest

from core.data.ingest import ConfirmationNeeded, IngestOptions, Reviewed, ingest_file
from core.data.workspace import Workspace
from core.errors import ConfigError


def _csv(path, users: list[str]):
    path.write_text("user_id,item_id,ts\n" + "".join(f"{u},i1,2024-01-0{k % 9 + 1}\n" for k, u in enumerate(users)))
    return path


def test_reviewed_version_guards_the_commit(tmp_path):
    ws = Workspace(tmp_path / "ws")
    big, small = _csv(tmp_path / "big.csv", list("abcd")), _csv(tmp_path / "small.csv", list("ab"))
    ingest_file(ws, big, "interactions", IngestOptions())
    with pytest.raises(ConfirmationNeeded) as asked:  # a shrinking replace waits for the user
        ingest_file(ws, small, "interactions", IngestOptions(ask_first=True))
    assert asked.value.check.current_version == 1 and ws.info("interactions").version == 1
    # confirmed for "no table yet" while there is one: refused, nothing changes
    with pytest.raises(ConfigError):
        ingest_file(ws, small, "interactions", IngestOptions(reviewed=Reviewed(None)))
    assert ws.info("interactions").rows == 4
    report = ingest_file(ws, small, "interactions", IngestOptions(reviewed=Reviewed(asked.value.check.current_version)))
    assert (report.version, report.rows) == (2, 2)


def test_keywords_are_the_same_options(tmp_path):
    assert IngestOptions.of() == IngestOptions()
    assert IngestOptions.of(ask_first=True, reviewed=Reviewed(None)) == IngestOptions(
        ask_first=True, reviewed=Reviewed(None)
    )
    assert IngestOptions.of(reviewed=Reviewed(3)).reviewed == Reviewed(3)
    with pytest.raises(TypeError, match="not both"):
        IngestOptions.of(IngestOptions(), mode="append")
    with pytest.raises(TypeError, match="unknown ingest option"):
        IngestOptions.of(skip_rows=True)
