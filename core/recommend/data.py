"""From an interactions table to per-user item sequences, and the leave-last-out splits.

Items get indices 1..n_items (0 is padding for the model). A user's sequence lists the items in
the order they were first engaged with: repeats are dropped (keep the first), because the
recommender never suggests an item the user already has, so a repeat could never be a hit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import InputError
from core.models.cache import fingerprint


@dataclass
class SequenceData:
    """Users, items and each user's time-ordered item-index sequence."""

    user_ids: np.ndarray  # (U,) str
    item_ids: np.ndarray  # (n_items + 1,) str; item_ids[0] == "" (padding)
    sequences: list[np.ndarray]  # U arrays of item indices in 1..n_items, oldest first
    rows: int = 0  # interaction rows read (before dropping repeats)

    @property
    def n_items(self) -> int:
        return len(self.item_ids) - 1

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    def item_index(self) -> dict[str, int]:
        return {item: i for i, item in enumerate(self.item_ids) if i}


def build_sequences(
    df: pd.DataFrame, user: str = "user_id", item: str = "item_id", time: str = "ts", *, source: str = "interactions"
) -> SequenceData:
    """Interactions (one row per event) -> SequenceData.

    Rows are ordered by `time` (datetimes, numbers, or date strings); ties keep file order.
    Raises InputError naming the file (`source`), the column and rows for missing columns,
    empty ids or unparsable times.
    """
    for col in (user, item, time):
        if col not in df.columns:
            raise InputError(
                f"missing column (columns are: {', '.join(map(str, df.columns))})", file=source, column=col
            )
    if df.empty:
        raise InputError("no interaction rows", file=source)
    users = df[user]
    items = df[item]
    for col, values in ((user, users), (item, items)):
        bad = values.isna() | (values.astype(str).str.strip() == "")
        if bad.any():
            raise InputError(
                "empty id", file=source, column=col, rows=[int(i) + 2 for i in np.flatnonzero(bad.to_numpy())[:5]]
            )
    ts = _parse_time(df[time], source, time)
    frame = pd.DataFrame(
        {"u": users.astype(str).to_numpy(), "i": items.astype(str).to_numpy(), "t": ts, "order": np.arange(len(df))}
    )
    frame = frame.sort_values(["t", "order"], kind="stable")
    frame = frame.drop_duplicates(["u", "i"], keep="first")
    item_codes, item_uniques = pd.factorize(frame["i"], sort=True)
    user_codes, user_uniques = pd.factorize(frame["u"], sort=True)
    frame = frame.assign(ic=item_codes + 1, uc=user_codes)
    frame = frame.sort_values(["uc", "t", "order"], kind="stable")
    bounds = np.flatnonzero(np.diff(frame["uc"].to_numpy())) + 1
    sequences = np.split(frame["ic"].to_numpy(dtype=np.int64), bounds)
    return SequenceData(
        user_ids=np.asarray(user_uniques, dtype=str),
        item_ids=np.concatenate([[""], np.asarray(item_uniques, dtype=str)]),
        sequences=sequences,
        rows=len(df),
    )


def _parse_time(values: pd.Series, source: str, column: str) -> np.ndarray:
    """Time column -> sortable float64 (nanoseconds for datetimes)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values)
    elif pd.api.types.is_numeric_dtype(values):
        bad = values.isna()
        if bad.any():
            raise InputError(
                "missing time",
                file=source,
                column=column,
                rows=[int(i) + 2 for i in np.flatnonzero(bad.to_numpy())[:5]],
            )
        return values.to_numpy(dtype=np.float64)
    else:
        text = values.astype(str).str.strip()
        numeric = pd.to_numeric(text, errors="coerce")
        if numeric.notna().all():
            return numeric.to_numpy(dtype=np.float64)
        parsed = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    bad = parsed.isna()
    if bad.any():
        raise InputError(
            "not a date/time", file=source, column=column, rows=[int(i) + 2 for i in np.flatnonzero(bad.to_numpy())[:5]]
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[ns]").astype(np.int64).to_numpy(dtype=np.float64)


@dataclass
class Split:
    """Training sequences for every user, plus validation and test cases (history -> target).

    `val_*` are for early stopping, `test_*` for the reported metrics; arrays of user indices
    say whose case it is. In "fit" mode there is no test part (empty arrays).
    """

    train: list[np.ndarray]
    val_users: np.ndarray
    val_histories: list[np.ndarray]
    val_targets: np.ndarray
    test_users: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    test_histories: list[np.ndarray] = field(default_factory=list)
    test_targets: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def leave_last_out(data: SequenceData) -> Split:
    """Evaluation split: the last item of each user with >= 3 items is the test target (history
    = everything before it), the second-to-last the validation target (history = everything
    before that), and the model trains on the rest. Shorter users only train."""
    train = [s[:-2] if len(s) >= 3 else s for s in data.sequences]
    tested = [u for u, s in enumerate(data.sequences) if len(s) >= 3]
    seqs = [data.sequences[u] for u in tested]
    return Split(
        train,
        np.asarray(tested, np.int64),
        [s[:-2] for s in seqs],
        np.asarray([s[-2] for s in seqs], np.int64),
        np.asarray(tested, np.int64),
        [s[:-1] for s in seqs],
        np.asarray([s[-1] for s in seqs], np.int64),
    )


def holdout_last(data: SequenceData) -> Split:
    """Fitting split (for the model that will make predictions): the last item of each user with
    >= 2 items validates early stopping; the model trains on everything before it."""
    train = [s[:-1] if len(s) >= 2 else s for s in data.sequences]
    held = [u for u, s in enumerate(data.sequences) if len(s) >= 2]
    seqs = [data.sequences[u] for u in held]
    return Split(train, np.asarray(held, np.int64), [s[:-1] for s in seqs], np.asarray([s[-1] for s in seqs], np.int64))


def sequences_fingerprint(data: SequenceData) -> str:
    """A stable hash of the users, items and sequences (the model cache's data key)."""

    lengths = np.asarray([len(s) for s in data.sequences], dtype=np.int64)
    flat = np.concatenate(data.sequences) if data.sequences else np.zeros(0, np.int64)
    return fingerprint(list(data.user_ids), list(data.item_ids), lengths, flat)
