"""Showing untrusted text (user notes, playbooks) safely and literally."""

from __future__ import annotations

import re
import unicodedata

_BIDI_CONTROLS = {
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
}


_NEEDS_CARE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
                         "\ud800-\udfff]")
"""Any character :func:`visible` changes (tab and line break included)."""


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters made visible, e.g. ESC → ``\\x1b``.

    Terminal escape sequences, C1 controls and bidi overrides can never reach
    the terminal this way; everything else is shown exactly as typed.
    """
    if _NEEDS_CARE.search(text) is None:
        return text  # the usual case, checked at C speed
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char == "\t":
            out.append("    ")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif char in _BIDI_CONTROLS:
            out.append(f"\\u{code:04x}")
        elif unicodedata.category(char) == "Cs":
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


def terminal_text(text: str) -> str:
    """Output for a terminal: lines and tabs kept, every other control, C1 or bidi
    character written visibly (``\x1b``), so the data can never steer the terminal."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join("\t".join(visible(part) for part in line.split("\t"))
                     for line in lines)


def _picture(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (ESC is ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0x80 <= code < 0xA0 or char in _BIDI_CONTROLS or unicodedata.category(char) == "Cs":
        return "\ufffd"
    return char


def control_pictures(text: str) -> str:
    """``text`` with every control, bidi or surrogate character replaced by one
    visible character (ESC → ␛, C1 and bidi → U+FFFD): same length, for editable
    fields, where the cursor counts characters."""
    if all(" " <= char < "\x7f" for char in text):
        return text
    return "".join(_picture(char) for char in text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Text that cannot be written as UTF-8 (from bytes that were not UTF-8)."""
    return _SURROGATE.search(text) is not None


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, so that it can be saved."""
    return _SURROGATE.sub("\ufffd", text)


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 call``, ``3 calls``, ``2 replies`` (with ``many``): the one plural rule."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def join_words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
