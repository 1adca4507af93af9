"""`<!-- honyaku: skip -->` keeps exactly the next block as written, whatever the line ending:
in a CRLF file it used to swallow the rest of the post."""

from __future__ import annotations

import pytest

from pipeline.api import Engine, Options, translate_post
from tests.standins import EnglishWords

POST = (
    "---\ntitle: テスト\n---\n"
    "最初の段落です。\n\n"
    "<!-- honyaku: skip -->\n"
    "この段落は訳さずに残します。\n二行目も残します。\n\n"
    "この段落は訳します。\n\n"
    "<!-- honyaku: skip -->\n\n"
    "空行の後のこの段落も残します。\n\n"
    "最後の段落です。\n"
)
KEPT = ["この段落は訳さずに残します。", "二行目も残します。", "空行の後のこの段落も残します。"]
SENT = ["テスト", "最初の段落です。", "この段落は訳します。", "最後の段落です。"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_skip_keeps_only_the_next_block(newline: str) -> None:
    translator = EnglishWords()
    post = POST.replace("\n", newline)
    english, report = translate_post(post, Engine(translator), Options(summary="off"))
    sent = [s for batch in translator.calls for s in batch]
    assert sorted(sent) == sorted(SENT)
    for kept in KEPT:
        assert kept in english
    assert report.sentences_total == len(SENT)
    assert english.count("\r\n") == (post.count("\r\n"))
