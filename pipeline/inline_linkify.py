"""Where Hugo's autolink of a bare URL ends: goldmark's linkify extension (on in Hugo), its
patterns and its trailing-character rules as it applies them.

A bare URL's atom must end exactly there: the Japanese glued after it (`…/hogeでアプリ…`) is
text on the Japanese page, so it is prose to translate, and the URL's atom is what Hugo links.
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
