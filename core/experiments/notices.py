"""Something the reader of an A/B result should know. The wording lives only in the translation
table (core/i18n/ab.py, keys ab.warn.<code>): the CLI's JSON reads its English entry, the page its
reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.i18n import t


@dataclass(frozen=True)
class Notice:
    """`code` selects the wording (ab.warn.<code>), `params` fill it in."""

    code: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return t(f"ab.warn.{self.code}", lang, **self.params)
