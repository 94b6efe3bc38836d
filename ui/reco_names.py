"""The recommendations page in the analyst's own column names (issue 25, item 5): the member picker,
the list tables and the download say the file's `顾客编号` / `商品` where the mapping renamed them
to the engine's `user_id` / `item_id` (ui.present.use_names keeps them for the page)."""

from __future__ import annotations

from core.export import csv_bytes
from ui.cache import shared_memo
from ui.common import tr

# the recommender's own columns, by the field they hold
FIELD_OF = {"user": "user_id", "item": "item_id"}


def list_labels(names: dict[str, str]) -> dict[str, str]:
    """Headers for the recommender's `user` / `item` columns: the analyst's names where renamed."""
    return {col: names[field] for col, field in FIELD_OF.items() if field in names}


def member_label(names: dict[str, str]) -> str:
    """The member picker's label: the analyst's user column name, else 'Member' in the reader's words."""
    return names.get("user_id") or tr("reco.user")


def recommendations_csv(job_key: str, recommender, names: dict[str, str]) -> bytes:
    """Every member's top 10 (user, item, rank) as CSV bytes under the analyst's names, computed once
    per trained model and names, for every session."""
    labels = list_labels(names)
    return shared_memo(
        "reco_csv",
        (job_key, tuple(sorted(labels.items()))),
        lambda: csv_bytes(recommender.recommend(k=10)[["user", "item", "rank"]].rename(columns=labels)),
    )
