"""Which files a batch treats as Japanese posts: read through the front-matter module."""

from __future__ import annotations

import pytest

from pipeline.site.posts import is_japanese, opted_out


@pytest.mark.parametrize(
    "text",
    [
        '---\ntitle: "x"\nnotranslate: true\n---\n\n本文。\n',
        "---\ntitle: x\nNoTranslate: True\n---\n\n本文。\n",
        '+++\ntitle = "x"\nnotranslate = true\n+++\n\n本文。\n',
        '{\n  "title": "x",\n  "notranslate": true\n}\n\n本文。\n',
        "---\ntitle: x\nparams:\n  notranslate: true\n---\n\n本文。\n",
    ],
)
def test_opt_out_flag(text: str) -> None:
    assert opted_out(text)


@pytest.mark.parametrize(
    "text",
    [
        # A summary that explains the flag is not the flag.
        "---\ntitle: x\nsummary: |\n  notranslate: true で翻訳を止める方法。\n---\n\n本文。\n",
        "---\ntitle: x\nnotranslate: false\n---\n\n本文。\n",
        '---\ntitle: x\nnotranslate: "true"\n---\n\n本文。\n',
        "No front matter.\nnotranslate: true\n",
        # Unreadable front matter: the translation step reports it, the batch does not skip it.
        "---\ntitle: [unclosed\nnotranslate: true\n---\n\n本文。\n",
    ],
)
def test_not_an_opt_out(text: str) -> None:
    assert not opted_out(text)


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: |\n  日本語の題名\n---\n\nEnglish body only.\n",
        "---\ntitle: >-\n  SageMaker概要\n---\n\nSee `code`.\n",
        '+++\ntitle = """\n題名\n"""\n+++\n\nEnglish.\n',
        '{"title": "題名"}\n\nEnglish.\n',
        '---\ntitle: "English"\n---\n\n日本語の本文です。\n',
    ],
)
def test_japanese_title_or_prose(text: str) -> None:
    assert is_japanese(text)


@pytest.mark.parametrize(
    "text",
    [
        '---\ntitle: "English"\n---\n\nEnglish.\n\n```\n日本語のコード\n```\n',
        '---\ntitle: "English"\nauthor: 山田\n---\n\nEnglish with `日本語`.\n<!-- 日本語 -->\n',
    ],
)
def test_not_japanese(text: str) -> None:
    assert not is_japanese(text)
