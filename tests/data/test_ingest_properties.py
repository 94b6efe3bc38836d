"""Property: any bytes either ingest or raise our own UserError with a message, and failures change nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data.ingest import ingest_file
from core.data.workspace import Workspace
from core.errors import UserError

_WS_DIR = Path(tempfile.mkdtemp(prefix="ce_prop_"))
_WS = Workspace(_WS_DIR / "ws")
_SEED = "user_id,item_id,ts\nu1,i1,2024-01-01\nu2,i2,2024-01-02\n"


def _workspace() -> Workspace:
    if not _WS.has("interactions"):
        p = _WS_DIR / "seed.csv"
        p.write_text(_SEED, encoding="utf-8")
        ingest_file(_WS, p, "interactions")
    return _WS


def _state(ws: Workspace):
    return [(t.table, t.version, t.rows, t.sha256) for t in ws.tables()], ws.read("interactions").to_csv()


def _check(data: bytes, skip: bool) -> None:
    ws = _workspace()
    before = _state(ws)
    path = _WS_DIR / "upload.csv"
    path.write_bytes(data)
    try:
        report = ingest_file(ws, path, "interactions", skip_bad_rows=skip)
    except UserError as exc:
        assert str(exc).strip(), "an error without a message"
        assert _state(ws) == before
        return
    after = _state(ws)
    assert after[0] != before[0]
    assert ws.info("interactions").rows == report.rows > 0


cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(
        [
            "2024-01-05",
            "2024/1/5 13:00",
            "1704459600",
            "2024年1月5日",
            "u1",
            "i9",
            '"',
            '""',
            ",",
            ";",
            "\n",
            "\t",
            "|",
            "用户",
            "1,234",
            "NaN",
            "",
        ]
    ),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=5), min_size=0, max_size=8)
headers = st.one_of(st.just(["user_id", "item_id", "ts"]), st.lists(cells, min_size=1, max_size=5))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), skip=st.booleans())
def test_random_bytes_ingest_or_fail_cleanly(data, skip):
    _check(data, skip)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=headers,
    body=rows,
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    skip=st.booleans(),
)
def test_random_csv_like_text_ingests_or_fails_cleanly(header, body, sep, encoding, skip):
    text = "\n".join(sep.join(r) for r in [header, *body]) + "\n"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _check(data, skip)
