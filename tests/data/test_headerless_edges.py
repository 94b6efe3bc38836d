"""Headerless edge lists in any delimiter (SNAP's and KONECT's lists, also saved as CSV): every line is an
edge, the first one included, read as src, dst (, weight) by the ingest and by the CLI's reader alike."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.csvfile import read_csv_frame, sniff
from core.data.ingest import ingest_file
from core.data.workspace import open_workspace

LISTS = {
    "comma.csv": ("% a KONECT-style comment\n0,1\n2,3\n2,4\n5,1\n", ",", ["src", "dst"]),
    "semicolon.csv": ("# SNAP-style comment\n1;2;0.5\n2;3;1.5\r\n3;1;2\n", ";", ["src", "dst", "weight"]),
    "pipe.txt": ("10|20\n20|30\n", "|", ["src", "dst"]),
}


def _reference(text: str, delimiter: str, names: list[str]) -> pd.DataFrame:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "%"))]
    return pd.DataFrame([[t.strip() for t in ln.split(delimiter)] for ln in lines], columns=names)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_line_is_an_edge(tmp_path, isolated_data_dir, name):
    text, delimiter, names = LISTS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    expected = _reference(text, delimiter, names)

    fmt = sniff(path)
    assert (fmt.headerless, fmt.delimiter, fmt.header) == (True, delimiter, names)
    pd.testing.assert_frame_equal(read_csv_frame(path, as_text=True), expected)  # the CLI's reader

    ws = open_workspace(f"edges-{path.stem}")
    report = ingest_file(ws, str(path), "edges")  # no mapping given: src, dst (, weight) are ours
    assert (report.rows, report.skipped) == (len(expected), 0)
    stored = ws.read("edges").reset_index(drop=True)
    for column in names:
        if column == "weight":  # stored as a number
            assert stored[column].tolist() == pd.to_numeric(expected[column]).tolist()
        else:
            assert stored[column].astype(str).tolist() == expected[column].tolist()


def test_a_header_of_names_stays_a_header_and_uneven_numbers_are_no_edge_list(tmp_path):
    named = tmp_path / "named.csv"
    named.write_text("from,to\n1,2\n2,3\n", encoding="utf-8")
    fmt = sniff(named)
    assert (fmt.headerless, fmt.header, fmt.sample_rows) == (False, ["from", "to"], [["1", "2"], ["2", "3"]])
    uneven = tmp_path / "uneven.csv"
    uneven.write_text("1,2\n3,4,5,6\n", encoding="utf-8")
    assert not sniff(uneven).headerless
