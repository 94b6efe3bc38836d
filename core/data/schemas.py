"""Canonical tables: the fields each table has, their kinds, and which are required.

Uploaded columns are mapped onto these fields (see `core.data.mapping`); columns not mapped are
kept as extra attribute columns with an inferred type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "time", "text", "number", "category"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = False


@dataclass(frozen=True)
class TableSchema:
    name: str
    fields: tuple[Field, ...]
    # groups of which at least one field must be mapped (ad_events: user_id or impressions)
    one_of: tuple[tuple[str, ...], ...] = ()
    time_field: str | None = None
    # the fields that identify a row: an append whose rows repeat a key already in the table asks
    # first (page) or needs --allow-duplicate (CLI). Checked only when every key field is mapped.
    key: tuple[str, ...] = ()

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


SCHEMAS: dict[str, TableSchema] = {
    "users": TableSchema(
        "users",
        (
            Field("user_id", "id", True),
            Field("signup_at", "time"),
            Field("segment", "category"),
            Field("region", "category"),
        ),
        time_field="signup_at",
        key=("user_id",),
    ),
    "interactions": TableSchema(
        "interactions",
        (
            # item_id is optional on purpose: an event log without items still feeds cohorts and churn;
            # the recommender asks for it.
            Field("user_id", "id", True),
            Field("item_id", "id"),
            Field("ts", "time", True),
            Field("action", "category"),
            Field("value", "number"),
        ),
        time_field="ts",
        key=("user_id", "ts", "item_id"),
    ),
    # Only text is required: a labelled review file (no authors, no times) still trains the sentiment
    # model; trends need ts and say so. A missing post_id is numbered from the row.
    "posts": TableSchema(
        "posts",
        (
            Field("post_id", "id"),
            Field("user_id", "id"),
            Field("ts", "time"),
            Field("text", "text", True),
            Field("community", "category"),
            Field("parent_id", "id"),
            Field("reply_to_user", "id"),
            Field("label", "category"),
        ),
        time_field="ts",
        key=("post_id",),
    ),
    "edges": TableSchema(
        "edges",
        (
            Field("src", "id", True),
            Field("dst", "id", True),
            Field("weight", "number"),
            Field("ts", "time"),
            Field("kind", "category"),
        ),
        time_field="ts",
        key=("src", "dst", "ts"),  # without ts, repeated pairs are legitimate (weights add up)
    ),
    "ad_events": TableSchema(
        "ad_events",
        (
            Field("variant", "category", True),
            Field("user_id", "id"),
            Field("impressions", "number"),
            Field("campaign", "category"),
            Field("ts", "time"),
            Field("clicks", "number"),
            Field("conversions", "number"),
            Field("converted", "number"),
            Field("spend", "number"),
            Field("revenue", "number"),
            Field("pre_spend", "number"),
        ),
        one_of=(("user_id", "impressions"),),
        time_field="ts",
        key=("user_id", "variant", "ts"),
    ),
}

TABLE_NAMES = list(SCHEMAS)
