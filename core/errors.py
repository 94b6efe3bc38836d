"""One exception family for problems a user can act on (bad file, missing column, bad option).

The CLI prints these as one line and exits non-zero; the app shows them in plain words.
Anything else that escapes is a bug in our code, not the user's input.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or request, with a message the user can act on.

    `file`, `column` and `rows` are kept as attributes so callers can highlight them;
    the message already names them.
    """

    def __init__(
        self, message: str, *, file: str | None = None, column: str | None = None, rows: list[int] | None = None
    ):
        parts = []
        if file:
            parts.append(f"{file}")
        if column:
            parts.append(f"column '{column}'")
        if rows:
            shown = ", ".join(str(r) for r in rows[:5])
            parts.append(f"row{'s' if len(rows) > 1 else ''} {shown}")
        prefix = ": ".join([", ".join(parts)]) + ": " if parts else ""
        super().__init__(prefix + message)
        self.file = file
        self.column = column
        self.rows = rows or []
        self.plain = message


class InputError(UserError):
    """The data itself is unusable: undecodable bytes, unparsable values, missing columns."""


class ConfigError(UserError):
    """An option or argument is wrong: unknown table, unknown control variant, bad mapping."""
