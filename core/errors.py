"""One exception family for problems a user can act on (bad file, missing column, bad option).

The CLI prints these as one line and exits non-zero; the app shows them in plain words.
Anything else that escapes is a bug in our code, not the user's input.
"""

from __future__ import annotations

from typing import Self

from core.i18n import t


class Phrase:
    """A translatable part of an error message (a key of core/i18n/errors.py and its params), put into
    another error's params: 'a number' / '数字', 'row 3 = 'x'' / '第 3 行 = 'x''."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def text(self, lang: str) -> str:
        return t(self.key, lang, **_rendered(self.params, lang))


class Phrases:
    """Phrases joined by `sep` (one separator per language: {"en": "; ", "zh": "；"})."""

    def __init__(self, items: list[Phrase], sep: dict[str, str]):
        self.items, self.sep = items, sep

    def text(self, lang: str) -> str:
        return self.sep.get(lang, self.sep["en"]).join(p.text(lang) for p in self.items)


def _rendered(params: dict, lang: str) -> dict:
    return {k: v.text(lang) if isinstance(v, Phrase | Phrases) else v for k, v in params.items()}


class UserError(Exception):
    """A problem with the user's input or request, with a message the user can act on.

    `file`, `column` and `rows` are kept as attributes so callers can highlight them;
    the message already names them.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: list[int] | None = None,
        key: str | None = None,
        params: dict | None = None,
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
        self.key = key  # the message's translation key (core/i18n/errors.py), when it has one
        self.params = dict(params or {})

    @classmethod
    def keyed(
        cls,
        key: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: list[int] | None = None,
        **params,
    ) -> Self:
        """The error whose message is translation `key` (English here; `text(lang)` for others)
        formatted with `params` (a `Phrase` among them is translated too): one source for the CLI's
        line and the page's message."""
        return cls(t(key, "en", **_rendered(params, "en")), file=file, column=column, rows=rows, key=key, params=params)

    def text(self, lang: str = "en") -> str:
        """The message for a reader of `lang`: the file, column and rows it names, then the message,
        translated when it has a key (else as written, in English)."""
        if lang == "en":
            return str(self)
        parts = [self.file] if self.file else []
        if self.column:
            parts.append(t("err.column", lang, column=self.column))
        if self.rows:
            parts.append(t("err.rows", lang, rows="、".join(str(r) for r in self.rows[:5])))
        body = t(self.key, lang, **_rendered(self.params, lang)) if self.key else self.plain
        return "，".join(parts) + "：" + body if parts else body


class InputError(UserError):
    """The data itself is unusable: undecodable bytes, unparsable values, missing columns."""


class ConfigError(UserError):
    """An option or argument is wrong: unknown table, unknown control variant, bad mapping."""
