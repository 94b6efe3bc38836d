"""User–tag interactions from a Stack Exchange `Posts.xml` dump (for benchmarks and tests).

A user engages with a tag when they ask a question carrying it or answer such a question; the
time is the post's creation time. The app never needs this: it reads the user's own tables.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

_TAG = re.compile(r"<([^<>]+)>")


def user_tag_interactions(posts_xml: str | Path) -> pd.DataFrame:
    """Parse Posts.xml -> DataFrame user_id, item_id (the tag), ts, action ('ask' | 'answer').

    Posts without an owner (deleted users) are skipped; an answer takes its question's tags.
    Rows come out in time order.
    """
    question_tags: dict[str, list[str]] = {}
    answers: list[tuple[str, str, str]] = []
    rows: list[tuple[str, str, str, str]] = []
    for _, el in ET.iterparse(str(posts_xml), events=("end",)):
        if el.tag != "row":
            continue
        a = el.attrib
        kind, owner, when = a.get("PostTypeId"), a.get("OwnerUserId"), a.get("CreationDate")
        if kind == "1":
            tags = _TAG.findall(a.get("Tags", ""))
            question_tags[a["Id"]] = tags
            if owner:
                rows.extend((owner, t, when, "ask") for t in tags)
        elif kind == "2" and owner and a.get("ParentId"):
            answers.append((owner, a["ParentId"], when))
        el.clear()
    for owner, parent, when in answers:
        rows.extend((owner, t, when, "answer") for t in question_tags.get(parent, []))
    df = pd.DataFrame(rows, columns=["user_id", "item_id", "ts", "action"])
    df["ts"] = pd.to_datetime(df["ts"])
    return df.sort_values("ts", kind="stable").reset_index(drop=True)
