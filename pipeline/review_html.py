"""The review page: one self-contained HTML file (inline CSS, no script, nothing from the network).

Per post, a table of rows in reading order: front-matter fields and prose blocks with the
Japanese and the English side by side, sentence by sentence; sentences to read are highlighted
on both sides and numbered, with their reasons listed under the English; code, HTML and other
text kept as written is shown once, as it is. Each post links to its Japanese source and its
English file (relative links, so the page works when opened from disk).
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from pipeline.notes import SentenceNote
from pipeline.review import PostReview, Row
from pipeline.wording import count

_CSS = """
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:22px}
header p{margin:2px 0;opacity:.9}
main{padding:8px 28px 40px}
nav ol{columns:2;margin:10px 0 0}
nav a{color:#cfe3ff}
section.post{background:#fff;border:1px solid #d8dde4;border-radius:8px;margin:22px 0;padding:14px 18px}
section.post h2{font-size:18px;margin:0 0 4px;word-break:break-all}
.meta{color:#56606d;font-size:13px;margin-bottom:10px}
.meta a{color:#1d5fbf}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;margin-left:6px}
.badge.todo{background:#ffe08a}.badge.ok{background:#c9f0d3}.badge.err{background:#ffc9c9}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{vertical-align:top;padding:6px 8px;border-top:1px solid #eceff3}
th{width:90px;text-align:left;font-weight:normal;color:#7a8594;font-size:12px}
td.ja,td.en{white-space:pre-wrap;word-wrap:break-word}
td.ja{font-family:"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",system-ui,sans-serif}
.marker{color:#8a94a3;font-family:ui-monospace,monospace}
.flagged{background:#fff1a8;border-bottom:2px solid #e0a800}
.flagged sup{color:#b35c00;font-weight:bold}
.kept{background:#ffd6d6;border-bottom-color:#d33}
ul.reasons{margin:6px 0 0;padding-left:4px;list-style:none;font-size:12.5px;color:#7a4b00;white-space:normal}
ul.reasons b{color:#b35c00;margin-right:4px}
tr.verbatim td{background:#f3f4f6}
tr.verbatim pre{margin:0;white-space:pre-wrap;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
code{font-family:ui-monospace,monospace}
.legend span{padding:0 6px}
"""


def render_page(
    reviews: Sequence[PostReview], *, threshold: float, out_dir: Path, version: str
) -> str:
    """The whole page; links are relative to `out_dir`, where the page is written."""
    todo = [r for r in reviews if not r.reviewed]
    flagged = sum(r.flagged for r in todo)
    nav = "".join(
        f'<li><a href="#post-{i}">{_e(r.source)}</a> ({r.flagged})</li>'
        for i, r in enumerate(reviews)
    )
    posts = "".join(_post(i, r, out_dir) for i, r in enumerate(reviews))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>honyaku review: {count(flagged, 'sentence')} to read</title><style>{_CSS}</style>"
        "</head><body><header><h1>honyaku review</h1>"
        f"<p>{count(len(reviews), 'post')} ({len(todo)} to review), "
        f"{count(flagged, 'sentence')} to read. "
        f"A sentence is highlighted when a check fired or its confidence is below "
        f"{threshold:.2f} (pipeline/confidence.py).</p>"
        "<p>Correct the English file, then mark the post reviewed: "
        "<code>honyaku review --done POST</code>.</p>"
        f"<nav><ol>{nav}</ol></nav></header><main>{posts}</main>"
        f"<footer><p class='meta' style='padding:0 28px'>honyaku {_e(version)}</p></footer>"
        "</body></html>\n"
    )


def _post(index: int, review: PostReview, out_dir: Path) -> str:
    if review.error:
        badge = '<span class="badge err">error</span>'
    elif review.reviewed:
        badge = '<span class="badge ok">reviewed</span>'
    else:
        badge = f'<span class="badge todo">{review.flagged} to read</span>'
    links = []
    if review.english_path:
        exists = Path(review.english_path).is_file()
        label = "English file" if exists else "English file (not written yet)"
        links.append(f'<a href="{_href(review.english_path, out_dir)}">{label}</a>')
    meta = " · ".join(
        [f"{count(review.sentences, 'sentence')}, {review.flagged} highlighted", *links]
        + ([f"error: {_e(review.error)}"] if review.error else [])
    )
    cells: list[str] = []
    numbered = 0  # flagged sentences are numbered through the post
    for row in review.rows:
        cell, numbered = _row(row, numbered)
        cells.append(cell)
    rows = "".join(cells)
    return (
        f'<section class="post" id="post-{index}" data-flagged="{review.flagged}">'
        f"<h2>{_e(review.source)}{badge}</h2><div class='meta'>{meta}</div>"
        f"<table>{rows}</table></section>"
    )


def _row(row: Row, numbered: int) -> tuple[str, int]:
    """The row's HTML and the count of flagged sentences numbered so far in the post."""
    if row.kind == "verbatim":
        pre = f"<pre>{_e(row.text)}</pre>"
        return (
            f'<tr class="verbatim"><th>{_e(row.label)}</th><td colspan="2">{pre}</td></tr>',
            numbered,
        )
    marker = f'<span class="marker">{_e(row.prefix)}</span>' if row.prefix else ""
    ja: list[str] = []
    en: list[str] = []
    reasons: list[str] = []
    for note in row.sentences:
        number = ""
        if note.flagged:
            numbered += 1
            number = f"<sup>{numbered}</sup>"
            reasons.append(_reasons(note, numbered))
        css = _classes(note)
        ja.append(f'<span class="{css}">{_e(note.source)}{number}</span>')
        if en and not en[-1].endswith((" ", "\n")) and not note.english[:1].isspace():
            en.append(" ")
        en.append(f'<span class="{css}">{_e(note.english)}{number}</span>')
    listed = f'<ul class="reasons">{"".join(reasons)}</ul>' if reasons else ""
    html_row = (
        f'<tr class="{row.kind}"><th>{_e(row.label)}</th>'
        f'<td class="ja" lang="ja">{marker}{"".join(ja)}</td>'
        f'<td class="en" lang="en">{marker}{"".join(en)}{listed}</td></tr>'
    )
    return html_row, numbered


def _classes(note: SentenceNote) -> str:
    css = ["s"]
    if note.flagged:
        css.append("flagged")
    if note.status == "kept":
        css.append("kept")
    return " ".join(css)


def _reasons(note: SentenceNote, number: int) -> str:
    score = "" if note.score is None else f", model score {note.score:.2f}"
    why = "; ".join(note.reasons) or "low confidence"
    return f"<li><b>{number}</b> {_e(why)} (confidence {note.confidence:.2f}{score})</li>"


def _href(path: str, out_dir: Path) -> str:
    relative = os.path.relpath(path, out_dir)
    return html.escape(quote(Path(relative).as_posix()), quote=True)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
