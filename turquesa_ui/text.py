"""Text from data shown through Streamlit's markdown: escaped, so it reads as typed and never renders.

Streamlit renders markdown in captions, alerts, toasts and headers. A source name,
file name, column name or filter value from a link could otherwise become a link,
an image fetched from another host, or formatting. Everything such a string holds
is escaped with a backslash (markdown) and angle brackets become entities; web
addresses get an invisible word joiner (U+2060) so that the markdown renderer does
not turn them into links (it links bare ``http://``, ``www.`` and e-mail addresses
even when their punctuation is escaped).
"""

from __future__ import annotations

import re

__all__ = ["WORD_JOINER", "md"]

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")
_AUTOLINKS = re.compile(r"(?i)(https?|ftp|mailto|www|@)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` escaped for Streamlit markdown: shown literally, never as markup.

    >>> md("![x](http://evil.example/x.png)").replace(WORD_JOINER, "+")
    '\\\\!\\\\[x\\\\]\\\\(http+\\\\://evil\\\\.example/x\\\\.png\\\\)'
    >>> md("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert\\\\(1\\\\)&gt;'
    """
    unlinked = _AUTOLINKS.sub(lambda m: m.group(1) + WORD_JOINER, str(text))
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", unlinked)
    return escaped.replace("<", "&lt;").replace(">", "&gt;")
