"""The home page's view (core.data.view): messages kept as facts read in either language, health cards
readable, versions with what each can do."""

from __future__ import annotations

from core.data.ingest import IngestCheck, IngestReport
from core.data.view import confirmation_notes, home_view, ingest_notes, table_card, type_kind, version_rows
from core.data.workspace import TableInfo
from core.i18n import t


def _render(notes, lang: str) -> str:
    return " ".join(t(key, lang, **args) for key, args in notes)


def _report(**kw) -> IngestReport:
    base = dict(table="posts", version=3, rows=12345, skipped=2, sha256="x", source="a.csv", mapping={})
    base.update(encoding="utf-8", delimiter=",", skipped_examples=["row 2: ts = 'soon'"])
    return IngestReport(**{**base, **kw})


def test_an_ingest_report_is_facts_that_read_in_both_languages():
    notes = ingest_notes(_report(rows_before=20000), file="评论.csv", workspace="my-data")
    en, zh = _render(notes, "en"), _render(notes, "zh")
    assert "12,345 rows ingested into 'posts'" in en and "replacing 20,000 rows" in en
    assert "row 2: ts = 'soon'" in en  # the skipped rows follow the report
    assert "已导入 12,345 行" in zh and "替换原有 20,000 行" in zh and "评论.csv" in zh
    appended = _render(ingest_notes(_report(rows_before=10000, mode="append"), file="a.csv", workspace="w"), "en")
    assert "2,345 rows appended" in appended and "10,000 → 12,345 rows" in appended
    new = _render(ingest_notes(_report(skipped_examples=[]), file="a.csv", workspace="w"), "zh")
    assert "替换" not in new and "被跳过" not in new


def test_a_confirmation_names_rows_before_and_after_and_the_skipped_rows():
    check = IngestCheck("posts", "replace", 300, 2, 2, ["row 2: ts = 'yesterday'"], 1)
    en = _render(confirmation_notes(check), "en")
    assert "from 300 rows to 2 rows" in en and "yesterday" in en
    assert "“posts”表将从 300 行变为 2 行" in _render(confirmation_notes(check), "zh")
    fresh = IngestCheck("posts", "replace", None, 5000, 0, [], None)
    assert _render(confirmation_notes(fresh), "en") == "'posts' is new: it would get 5,000 rows."


def test_column_types_read_as_words():
    kinds = [type_kind(x) for x in ("VARCHAR", "BIGINT", "DOUBLE", "TIMESTAMP WITH TIME ZONE", "DATE", "BOOLEAN")]
    assert kinds == ["text", "number", "number", "time", "time", "flag"]
    assert type_kind("BLOB") == "other"


def test_health_cards_and_summary_of_the_sample(sample_ws):
    from core.capabilities import workspace_support
    from core.data.health import table_health

    infos = sample_ws.tables()
    view = home_view(infos, {i.table: table_health(sample_ws, i.table) for i in infos}, workspace_support(sample_ws))
    assert dict(zip(view.summary["table"], view.summary["rows"])) == {i.table: i.rows for i in infos}
    posts = next(c for c in view.cards if c.table == "posts")
    assert posts.first is not None and len(posts.first) == len(posts.last) == 10  # whole dates, never cut
    assert set(posts.columns["type"]) <= {"text", "number", "time", "flag", "other"}
    assert ((posts.columns["null_share"] - posts.columns["nulls"] / posts.rows).abs() <= 5e-5).all()
    assert {u.view for u in view.unlocks if u.available} == {
        "community_graph",
        "sentiment_trends",
        "ad_ab_results",
        "churn_cohorts",
        "recommendations",
    }


def test_a_card_without_times_has_no_date_range(sample_ws):
    from core.data.health import table_health

    health = table_health(sample_ws, "users")
    card = table_card(health.__class__(**{**health.__dict__, "time_min": None, "time_max": None}))
    assert card.first is None and card.last is None


def test_versions_say_which_is_current_and_which_can_be_restored():
    def info(v, kept, action):
        return TableInfo("posts", v, 1000 * v, "x", f"v{v}.csv", created_at="2026", action=action, kept=kept)

    history = [info(1, False, "replace"), info(2, True, "append"), info(3, True, "restore v2")]
    rows = version_rows(history, current=3)
    assert [r["version"] for r in rows] == [3, 2, 1] and [r["state"] for r in rows] == ["current", "kept", "gone"]
    assert rows[0]["rows"] == "3,000" and t(rows[0]["action"][0], "zh", **rows[0]["action"][1]) == "恢复自 v2"
    assert version_rows([], current=1) == []


def test_delimiters_are_named_not_quoted():
    from core.data.view import delimiter_kind

    assert [delimiter_kind(d) for d in (",", ";", "\t", "|", " ", "#")] == [
        "comma",
        "semicolon",
        "tab",
        "pipe",
        "whitespace",
        "other",
    ]
    assert t(f"home.delim.{delimiter_kind(' ')}", "zh") == "空白"


def test_the_first_version_is_a_first_load_not_a_replacement():
    """Issue 25 item 8: v1 replaced nothing; a later replace is still called one."""

    def info(v, action):
        return TableInfo("posts", v, 10 * v, "x", f"v{v}.csv", created_at="2026", action=action, kept=True)

    rows = version_rows([info(1, "replace"), info(2, "replace")], current=2)
    assert [t(r["action"][0], "en", **r["action"][1]) for r in rows] == ["replaced", "first load"]
    assert t(rows[1]["action"][0], "zh") == "首次导入"


def test_a_required_field_left_empty_reads_plainly(tmp_path):
    """Issue 25 item 8: not "rows are not a value (it is required)"."""
    import pytest

    from core.data.ingest import ingest_file
    from core.data.workspace import Workspace
    from core.errors import InputError

    (tmp_path / "p.csv").write_text("user_id,text\nu1,good\nu2,\nu3,fine\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_file(Workspace(tmp_path / "ws"), str(tmp_path / "p.csv"), "posts")
    assert "1 of 3 rows have no value for 'text', which is required: row 2 = empty" in str(err.value)
    assert "缺少必填字段“text”的值" in err.value.text("zh")
