"""Where Hugo's autolink of a bare URL ends: goldmark's linkify extension (on in Hugo), its
patterns and its trailing-character rules as it applies them.

A bare URL's atom must end exactly there: the Japanese glued after it (`…/hogeでアプリ…`) is
text on the Japanese page, so it is prose to translate, and the URL's atom is what Hugo links.
Heading IDs leave out what Hugo links (`linkified`), so they read the same rules.
"""

from __future__ import annotations

import re

_HOST = r"[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+"
# Past the host, goldmark takes these characters (ASCII only: a URL ends at the first
# character that is not). Its `www.` pattern leaves `$` out.
_PATH = "-a-zA-Z0-9@:%_+.~#!?&/=();,'\">^{}\\[\\]`"
_URL = re.compile(rf"(?:http|https|ftp)://{_HOST}(?::\d+)?(?:[/#?][{_PATH}$]*)?")
_WWW = re.compile(rf"www\.{_HOST}(?:[/#?][{_PATH}]*)?")
_TRAILING = "?!.,:*_~"
_URL_START = re.compile(r"(?:http|https|ftp)://|www\.")
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
# goldmark tries a link only at the start of the text or after one of these.
_LINK_AFTER = " *_~(\n"


def linkify_end(text: str, pos: int) -> int | None:
    """The end of the URL goldmark's linkify reads at `pos`, or None where it reads none.

    Where it links depends on what precedes `pos` too (a space, `*`, `_`, `~`, `(` or a line
    start); the end does not, and that is what an atom needs."""
    match = (_URL if text.startswith(("http", "ftp"), pos) else _WWW).match(text, pos)
    if match is None:
        return None
    url = match.group()
    end = len(url)
    if url[-1] == ".":
        end -= 1
    elif url[-1] == ")":
        # As many characters off as there are closing parentheses it did not open.
        end -= max(0, url.count(")") - url.count("("))
    elif url[-1] == ";":
        # An entity at the end (`&amp;`) is not the URL's.
        i = end - 2
        while i >= 0 and url[i].isascii() and url[i].isalnum():
            i -= 1
        if 0 <= i != end - 2 and url[i] == "&":
            end = i
    while end > 1 and url[end - 1] in _TRAILING:
        end -= 1
    return pos + end


def linkified(text: str) -> list[tuple[int, int]]:
    """The ranges of `text` (inline text, no Markdown constructs) that goldmark's linkify turns
    into links: URLs and e-mail addresses at the start or after a space, `*`, `_`, `~` or `(`."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while pos < len(text):
        if pos and text[pos - 1] not in _LINK_AFTER:
            pos += 1
            continue
        end = linkify_end(text, pos) if _URL_START.match(text, pos) else None
        if end is None and (email := _EMAIL.match(text, pos)):
            end = email.end() - email.group().endswith(".")
        if end is not None and end > pos:
            spans.append((pos, end))
            pos = end
        else:
            pos += 1
    return spans
