"""Which text encoding a file's first bytes are in: UTF-8 with or without BOM, UTF-16 (BOM or NUL
pattern), GB18030/GBK or Big5 from Chinese Excel (told apart by charset-normalizer when both read as
Chinese), and Windows-1252 as a last resort for mostly-ASCII Western files. Anything else is an
InputError naming the file."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from core.errors import InputError


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def detect_encoding(head: bytes, name: str) -> str:
    """Pick a codec for a file whose first bytes are `head`."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(head) >= 4:
        # UTF-16 without BOM: ASCII characters leave a NUL in every other byte
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    if b"\x00" in head:
        raise InputError.keyed("err.csv.binary", file=name)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        # Mostly valid multi-byte UTF-8 with a few bad spots: a damaged UTF-8 file, not GBK (GBK text
        # breaks UTF-8 at nearly every character; only by chance does a pair look like UTF-8). The
        # full decode will then name the line of the damage.
        text = head.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        good = sum(1 for c in text if ord(c) > 127) - bad
        if good >= 20 * bad:
            return "utf-8"
    chinese = _chinese_encoding(head, name)
    if chinese is not None:
        return chinese
    non_ascii = sum(b > 127 for b in head)
    if non_ascii < 0.05 * max(len(head), 1):
        try:
            head.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    raise InputError.keyed(
        "err.csv.encoding",
        file=name,
    )


CHINESE_CODECS = ("gb18030", "cp950")  # simplified (GBK/GB18030) and traditional (Big5, as Windows writes it)


def _decoded(head: bytes, codec: str) -> str | None:
    """`head` decoded (a character cut at the end is fine), or None when `codec` cannot decode it."""
    try:
        return codecs.getincrementaldecoder(codec)().decode(head, final=False)
    except UnicodeDecodeError:
        return None


def _mostly_cjk(text: str | None) -> bool:
    wide = [c for c in text or "" if ord(c) > 127]
    return bool(wide) and sum(_is_cjk(c) for c in wide) >= 0.6 * len(wide)


def _chinese_encoding(head: bytes, name: str) -> str | None:
    """GB18030 (a superset of GBK) or Big5 (cp950) for a Chinese file, else None.

    GB18030 decodes nearly any byte pairs, Big5 bytes included (as the wrong characters), and short GBK
    text may decode as Big5 too: when both read as Chinese, charset-normalizer, limited to these two,
    decides by which decoding reads as text; with no evidence either way (a few characters common in
    both) GB18030. Bytes that read as text in neither are refused (InputError, in Chinese too)."""
    readable = [c for c in CHINESE_CODECS if _mostly_cjk(_decoded(head, c))]
    if len(readable) < 2:
        return readable[0] if readable else None
    cut = head[:65536]
    cut = cut[: cut.rfind(b"\n") + 1] or cut  # whole lines: no character cut in two
    matches = [m for m in from_bytes(cut, cp_isolation=list(CHINESE_CODECS)) if m.encoding in CHINESE_CODECS]
    if not matches:  # neither reads as text
        raise InputError.keyed("err.csv.chinese_undecided", file=name)
    tie = len(matches) > 1 and (matches[0].chaos, matches[0].coherence) == (matches[1].chaos, matches[1].coherence)
    # a tie means a few characters that are common in both (你好 is 斕疑 in Big5): GB18030, the
    # encoding of mainland platforms' exports, as before
    return "gb18030" if tie else matches[0].encoding


def undecodable(encoding: str, byte: int, line: int, name: str) -> InputError:
    return InputError.keyed("err.csv.undecodable", file=name, encoding=encoding, byte=byte, line=line)
