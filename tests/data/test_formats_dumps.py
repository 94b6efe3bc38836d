"""Forum dumps: the Beer Stack Exchange Posts.xml ingests as posts through the one ingest path, and
Users.xml / Comments.xml as users and replies."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.ingest import ingest_file
from core.data.sources.stackexchange import plain_text
from core.data.workspace import Workspace
from core.errors import InputError

# from ../shared/datasets/beer_stackexchange/README.md: PostTypeId 1 question 663, 2 answer 1,572
QUESTIONS, ANSWERS = 663, 1572


def test_beer_posts_xml_ingests_questions_and_answers(shared_datasets, tmp_path):
    path = shared_datasets / "beer_stackexchange" / "Posts.xml"
    ws = Workspace(tmp_path / "ws")
    report = ingest_file(ws, path, "posts", mapping={"tags": "community"})
    posts = ws.read("posts")
    assert report.rows == QUESTIONS + ANSWERS
    assert posts["post_type"].value_counts().to_dict() == {"answer": ANSWERS, "question": QUESTIONS}
    answers = posts[posts["post_type"] == "answer"]
    questions = posts[posts["post_type"] == "question"].set_index("post_id")
    assert answers["parent_id"].notna().all() and answers["parent_id"].isin(questions.index).all()
    asker = answers["parent_id"].map(questions["user_id"])
    assert (answers["reply_to_user"].fillna("-") == asker.fillna("-")).all()
    assert pd.api.types.is_datetime64_any_dtype(posts["ts"])
    assert posts["ts"].min() >= pd.Timestamp("2014-01-21") and posts["ts"].max() < pd.Timestamp("2017-03-14")
    assert not posts["text"].str.contains("<p>", regex=False).any()  # HTML bodies became plain text
    assert questions["community"].notna().all()  # every question has tags
    assert answers["community"].notna().all()  # an answer carries its question's
    assert report.sha256 == "37a93b290a79c20ee14127febfadb18e58a172e39f732f690512c1dac4da8777"


def test_users_and_comments_and_a_foreign_xml(tmp_path):
    users = tmp_path / "Users.xml"
    users.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<users>\n'
        '  <row Id="-1" Reputation="1" CreationDate="2014-01-21T19:00:00.000" DisplayName="Community" />\n'
        '  <row Id="7" Reputation="101" CreationDate="2014-01-21T20:20:00.120" DisplayName="王 &amp; co" Location="上海" />\n'
        "</users>\n",
        encoding="utf-8",
    )
    comments = tmp_path / "Comments.xml"
    comments.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<comments>\n'
        '  <row Id="11" PostId="1" Score="2" Text="Citra is &lt;b&gt;great&lt;/b&gt;" CreationDate="2014-01-22T10:00:00.000" UserId="7" />\n'
        '  <row Id="12" PostId="3" Text="谢谢" CreationDate="2014-01-23T11:00:00.000" UserId="-1" />\n'
        "</comments>\n",
        encoding="utf-8",
    )
    ws = Workspace(tmp_path / "ws")
    ingest_file(ws, users, "users")
    got = ws.read("users")
    assert list(got["user_id"]) == ["-1", "7"] and list(got["display_name"]) == ["Community", "王 & co"]
    assert got["signup_at"].iloc[1] == pd.Timestamp("2014-01-21 20:20:00.120")
    ingest_file(ws, comments, "posts")
    replies = ws.read("posts")
    assert list(replies["post_id"]) == ["c11", "c12"] and list(replies["parent_id"]) == ["1", "3"]
    assert replies["text"].iloc[0] == "Citra is <b>great</b>"  # a comment's text is kept as written
    other = tmp_path / "feed.xml"
    other.write_text("<rss><channel/></rss>", encoding="utf-8")
    with pytest.raises(InputError, match=r"^feed\.xml: this XML file is not a Stack Exchange dump .*<rss>"):
        ingest_file(ws, other, "posts")


def test_html_bodies_become_plain_text():
    html = "<p>Hops &amp; malt:</p>\n<ul><li>Citra</li><li>Mosaic</li></ul><pre><code>x &lt; 3</code></pre>"
    assert plain_text(html) == "Hops & malt:\nCitra\nMosaic\nx < 3"
