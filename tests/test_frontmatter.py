"""Tests for pipeline.frontmatter: lossless cutting, reading and splicing of Hugo front matter."""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from pipeline import frontmatter as fmod
from pipeline.frontmatter import (
    Field,
    FrontMatter,
    FrontMatterError,
    add_key,
    has_key,
    prefix_urls,
    reader_fields,
    splice,
    split_front_matter,
    string_value,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "ja-posts"
SEED = ROOT.parent / "shared" / "seed" / "sagemaker-overview.ja.md"

SEED_LIKE = """\
---
# Documentation: https://sourcethemes.com/academic/docs/managing-content/

title: "SageMaker概要"
subtitle: ""
summary: ""
authors: []
tags: []
date: 2020-04-27T01:53:53+09:00
draft: false

# Featured image
image:
  caption: ""
  focal_point: ""
  preview_only: false
projects: []
---

# 本文
"""

YAML_STYLES = """\
---
title: プレーンなタイトル # a comment
subtitle: 'single ''quoted'''
summary: |
  一行目
  二行目
description: >-
  折り畳まれた
  説明
linkTitle: "double \\"q\\""
tags: [タグ, 'two']
url: /posts/x/
aliases:
  - /old/a
  - relative/b
  - https://example.com/c
  - /en/d
image:
  caption: "画像の説明"
  focal_point: Smart
gallery_item:
  - album: gallery
    image: a.jpg
    caption: 写真A
    alt: 代替A
  - album: gallery
    image: b.jpg
    caption: ""
draft: false
---
"""

TOML_STYLES = """\
+++
# comment at the top
title= "タイトル \\"引用\\""
Description = 'literal 説明'
summary = \"\"\"
複数行の
要約\"\"\"
subtitle = '''
literal
multi'''
date = 2018-04-01T11:19:22+09:00
draft = false
tags = ["a", 'b',
  "c", # trailing comment
]
url = "/posts/x/"
aliases = ["/old/a", "https://example.com/b"]
params.author = "著者"
meta = { caption = "inline", n = 3 }

[image]
caption = "画像"
focal_point = "Smart"

[[gallery_item]]
album = "gallery"
caption = "写真A"

[[gallery_item]]
album = "gallery"
alt = "代替B"
+++
"""

JSON_STYLES = """\
{
  "title": "JSONのタイトル",
  "summary": "",
  "tags": ["a", "b"],
  "draft": false,
  "image": {"caption": "キャプション", "focal_point": "Smart"},
  "weight": 3
}
本文
"""


def _parse_raw(fm: FrontMatter, raw: str) -> dict:
    new, body = split_front_matter(raw)
    assert body == ""
    assert new.kind == fm.kind
    return new.data


def _lines(text: str) -> list[str]:
    # Only "\n" ends a line here (str.splitlines also splits at \x85, \u2028, …).
    return re.findall(r"[^\n]*\n|[^\n]+", text)


def _changed_lines(old: str, new: str) -> list[str]:
    diff = difflib.ndiff(_lines(old), _lines(new))
    return [line for line in diff if line[:1] in "+-"]


# --------------------------------------------------------------------------- splitting


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (SEED_LIKE, "yaml"),
        (YAML_STYLES + "body\n", "yaml"),
        (TOML_STYLES + "body\n", "toml"),
        (JSON_STYLES, "json"),
        ("# 見出し\n\n本文\n", None),
        ("", None),
        ("---\ntitle: a\n---", "yaml"),
        ("---\ntitle: a\n---\n", "yaml"),
        ("+++\ntitle = 'a'\n+++", "toml"),
        ("---\n---\n本文", "yaml"),
        ('{"title": "a"}', "json"),
        ('{"title": "a"}\r\nbody', "json"),
        ("{{< toc >}}\n\ntext\n", None),
        ("--- \ntitle: a\n---  \nbody\n", "yaml"),
        ("----\ntext\n", None),
    ],
)
def test_split_is_lossless(text: str, kind: str | None) -> None:
    for variant in (text, "\ufeff" + text, text.replace("\n", "\r\n")):
        fm, body = split_front_matter(variant)
        assert fm.kind == kind
        assert fm.prefix + fm.raw + body == variant
        assert fm.prefix == ("\ufeff" if variant.startswith("\ufeff") else "")
        assert isinstance(fm.data, dict)
        if kind is None:
            assert fm.raw == ""


def test_split_parts() -> None:
    fm, body = split_front_matter("\ufeff---\r\ntitle: タイトル\r\n---\r\n本文\r\n")
    assert fm.prefix == "\ufeff"
    assert fm.raw == "---\r\ntitle: タイトル\r\n---\r\n"
    assert body == "本文\r\n"
    assert fm.data == {"title": "タイトル"}

    fm, body = split_front_matter('{\n  "title": "a {b}",\n  "x": "\\"}"\n}\n\nbody')
    assert fm.data == {"title": "a {b}", "x": '"}'}
    assert body == "\nbody"

    fm, body = split_front_matter("---\n---\n")
    assert (fm.kind, fm.data, body) == ("yaml", {}, "")


def test_toml_data_and_seed() -> None:
    fm, _ = split_front_matter(TOML_STYLES)
    assert fm.data == tomllib.loads(TOML_STYLES.strip().strip("+").strip())
    if SEED.exists():
        text = SEED.read_text(encoding="utf-8")
        fm, body = split_front_matter(text)
        assert fm.kind == "yaml" and fm.raw + body == text
        assert [f.path for f in reader_fields(fm)] == [("title",)]
        assert string_value(fm, ("summary",)) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: a\n", "unclosed YAML front matter (no closing '---')"),
        ("---", "unclosed YAML front matter"),
        ("+++\ntitle = 'a'\n", "unclosed TOML front matter (no closing '+++')"),
        ('{"title": "a"\n\nbody\n', "unclosed JSON front matter"),
        ("---\ntitle: a\n  b: [c\n---\n", "malformed YAML front matter: line"),
        ("---\ntitle: a\ntitle: b\n---\n", "malformed YAML front matter: line 3"),
        ("---\ntitle: a\x01\n---\n", "malformed YAML front matter"),
        ("+++\ntitle = 'a'\n\ndate = \n+++\n", "malformed TOML front matter: line 4:"),
        ('{"title": "a",}\n', "malformed JSON front matter: line 1:"),
        ("---\n- a\n- b\n---\n", "YAML front matter is not a mapping"),
        ("---\njust text\n---\n", "YAML front matter is not a mapping"),
        ("+++\n[[x]\n+++\n", "malformed TOML front matter"),
    ],
)
def test_split_errors_are_one_line(text: str, expected: str) -> None:
    with pytest.raises(FrontMatterError) as info:
        split_front_matter(text)
    message = str(info.value)
    assert message.startswith(expected)
    assert "\n" not in message and "\r" not in message
    assert isinstance(info.value, ValueError)


# --------------------------------------------------------------------------- reading


def _assert_spans(fm: FrontMatter, fields: list[Field]) -> None:
    for f in fields:
        text = fm.raw[f.start : f.end]
        assert text, f
        if fm.kind == "json":
            assert json.loads(text) == f.value
        elif fm.kind == "toml":
            assert tomllib.loads(f"x = {text}")["x"] == f.value
        else:
            # A block scalar's span stops before its last line break.
            assert YAML(typ="safe", pure=True).load(f"x: {text}\n")["x"] == f.value


def test_reader_fields_yaml() -> None:
    fm, _ = split_front_matter(YAML_STYLES)
    fields = reader_fields(fm)
    assert [(f.path, f.value) for f in fields] == [
        (("title",), "プレーンなタイトル"),
        (("subtitle",), "single 'quoted'"),
        (("summary",), "一行目\n二行目\n"),
        (("description",), "折り畳まれた 説明"),
        (("linkTitle",), 'double "q"'),
        (("image", "caption"), "画像の説明"),
        (("gallery_item", 0, "caption"), "写真A"),
        (("gallery_item", 0, "alt"), "代替A"),
    ]
    _assert_spans(fm, fields)
    with_tags = reader_fields(fm, include_taxonomies=True)
    assert [f.path for f in with_tags][5:7] == [("tags", 0), ("tags", 1)]
    _assert_spans(fm, with_tags)


def test_reader_fields_toml() -> None:
    fm, _ = split_front_matter(TOML_STYLES)
    fields = reader_fields(fm, include_taxonomies=True)
    assert [(f.path, f.value) for f in fields] == [
        (("title",), 'タイトル "引用"'),
        (("Description",), "literal 説明"),
        (("summary",), "複数行の\n要約"),
        (("subtitle",), "literal\nmulti"),
        (("tags", 0), "a"),
        (("tags", 1), "b"),
        (("tags", 2), "c"),
        (("image", "caption"), "画像"),
        (("gallery_item", 0, "caption"), "写真A"),
        (("gallery_item", 1, "alt"), "代替B"),
    ]
    _assert_spans(fm, fields)


def test_reader_fields_json_and_none() -> None:
    fm, _ = split_front_matter(JSON_STYLES)
    fields = reader_fields(fm)
    assert [(f.path, f.value) for f in fields] == [
        (("title",), "JSONのタイトル"),
        (("image", "caption"), "キャプション"),
    ]
    _assert_spans(fm, fields)
    fm, _ = split_front_matter("本文だけ\n")
    assert reader_fields(fm) == []


def test_reader_fields_skip_empty_and_non_strings() -> None:
    text = '---\ntitle: 2020\nsummary: " "\nsubtitle:\nimage:\n  caption:\n---\n'
    fm, _ = split_front_matter(text)
    assert reader_fields(fm) == []


def test_anchor_used_twice_is_not_a_field() -> None:
    fm, _ = split_front_matter("---\ntitle: &t 題名\nsubtitle: *t\n---\n")
    assert reader_fields(fm) == []


def test_string_value_and_has_key() -> None:
    fm, _ = split_front_matter(TOML_STYLES)
    assert string_value(fm, ("description",)) == "literal 説明"  # source spells it Description
    assert string_value(fm, ("image", "caption")) == "画像"
    assert string_value(fm, ("gallery_item", 1, "alt")) == "代替B"
    assert string_value(fm, ("draft",)) is None
    assert has_key(fm, ("draft",)) and has_key(fm, ("DRAFT",))
    assert not has_key(fm, ("nope",)) and not has_key(fm, ("gallery_item", 5))
    fm, _ = split_front_matter("---\nsummary:\nhonyaku: {skip: true}\n---\n")
    assert has_key(fm, ("summary",)) and string_value(fm, ("summary",)) is None
    assert has_key(fm, ("honyaku", "skip"))


# --------------------------------------------------------------------------- splicing


def test_splice_seed_changes_only_edited_lines() -> None:
    fm, body = split_front_matter(SEED_LIKE)
    new = splice(
        fm,
        {
            ("title",): 'SageMaker overview: the "new" studio',
            ("summary",): "Notes on re:Invent 2019 # updates",
            ("image", "caption"): "A caption",
        },
    )
    assert _changed_lines(fm.raw, new) == [
        '- title: "SageMaker概要"\n',
        '+ title: "SageMaker overview: the \\"new\\" studio"\n',
        '- summary: ""\n',
        '+ summary: "Notes on re:Invent 2019 # updates"\n',
        '-   caption: ""\n',
        '+   caption: "A caption"\n',
    ]
    data = _parse_raw(fm, new)
    assert data["title"] == 'SageMaker overview: the "new" studio'
    assert data["date"] == fm.data["date"]


def test_splice_yaml_styles() -> None:
    fm, _ = split_front_matter(YAML_STYLES)
    edits = {
        ("title",): "Plain title",
        ("subtitle",): "It's single",
        ("summary",): "Line one\nLine two\n",
        ("description",): "Folded description",
        ("linkTitle",): "Link",
        ("tags", 0): "tag",
        ("gallery_item", 0, "alt"): "Alt text",
    }
    new = splice(fm, edits)
    changed = _changed_lines(fm.raw, new)
    assert "+ title: Plain title # a comment\n" in changed
    assert "+ subtitle: 'It''s single'\n" in changed
    assert "+   Line one\n" in changed and "+   Line two\n" in changed
    assert "+   Folded description\n" in changed
    assert "+ tags: [tag, 'two']\n" in changed
    assert "+     alt: Alt text\n" in changed
    assert len([c for c in changed if c.startswith("+")]) == 8
    data = _parse_raw(fm, new)
    for path, value in edits.items():
        node = data
        for p in path:
            node = node[p]
        assert node == value


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        ("key: value", '"key: value"'),
        ("a # b", '"a # b"'),
        ("- item", '"- item"'),
        ("true", '"true"'),
        ("2020-01-01", '"2020-01-01"'),
        ("", '""'),
        (" lead", '" lead"'),
        ("two\nlines", '"two\\nlines"'),
        ('back\\slash "q"', 'back\\slash "q"'),
        ('"q" \\', '"\\"q\\" \\\\"'),
        ("[x]", '"[x]"'),
        ("*ref", '"*ref"'),
        ("ok: fine", '"ok: fine"'),
        ("plain, with comma", "plain, with comma"),
    ],
)
def test_splice_yaml_plain_becomes_double_when_needed(value: str, rendered: str) -> None:
    fm, _ = split_front_matter("---\ntitle: 題名\ndraft: false\n---\n")
    new = splice(fm, {("title",): value})
    assert new == f"---\ntitle: {rendered}\ndraft: false\n---\n"


def test_splice_yaml_flow_plain_quotes_commas() -> None:
    fm, _ = split_front_matter("---\ntags: [タグ, 二]\n---\n")
    assert splice(fm, {("tags", 0): "a, b"}) == '---\ntags: ["a, b", 二]\n---\n'


def test_splice_yaml_empty_values() -> None:
    text = "---\ntitle: x\nsummary:\nsubtitle: # fill me\nimage:\n  caption: \n---\n"
    fm, _ = split_front_matter(text)
    new = splice(fm, {("summary",): "S", ("subtitle",): "T", ("image", "caption"): "C"})
    assert new == (
        '---\ntitle: x\nsummary: "S"\nsubtitle: "T" # fill me\nimage:\n  caption: "C"\n---\n'
    )


def test_splice_yaml_block_scalars() -> None:
    text = "---\nsummary: | # keep\n  一\n\n  二\n\ntitle: t\n---\n"
    fm, _ = split_front_matter(text)
    new = splice(fm, {("summary",): "one\n\ntwo"})
    assert new == "---\nsummary: |- # keep\n  one\n\n  two\n\ntitle: t\n---\n"
    # What a literal block cannot hold falls back to a double-quoted scalar.
    new = splice(fm, {("summary",): "  indented first line\n"})
    assert new == '---\nsummary: "  indented first line\\n"\n\ntitle: t\n---\n'

    folded = "---\ndescription: >\n  長い\n  説明\ntitle: t\n---\n"
    fm, _ = split_front_matter(folded)
    long_text = " ".join(["word"] * 40)
    new = splice(fm, {("description",): long_text + "\n"})
    assert new.startswith("---\ndescription: >\n  word word")
    assert new.count("\n") > folded.count("\n")  # wrapped over several lines
    assert _parse_raw(fm, new)["description"] == long_text + "\n"
    new = splice(fm, {("description",): "a\nb"})
    assert new == "---\ndescription: |-\n  a\n  b\ntitle: t\n---\n"


def test_splice_yaml_crlf_and_multiline_plain() -> None:
    text = "---\r\ntitle: 長い\r\n  タイトル\r\nsummary: 'a'\r\n---\r\n"
    fm, _ = split_front_matter(text)
    new = splice(fm, {("title",): "Long title", ("summary",): "it's"})
    assert new == "---\r\ntitle: Long title\r\nsummary: 'it''s'\r\n---\r\n"
    block = "---\r\nsummary: |\r\n  一\r\n  二\r\n---\r\n"
    fm, _ = split_front_matter(block)
    new = splice(fm, {("summary",): "one\ntwo\n"})
    assert new == "---\r\nsummary: |\r\n  one\r\n  two\r\n---\r\n"


def test_splice_toml_styles() -> None:
    fm, _ = split_front_matter(TOML_STYLES)
    edits = {
        ("title",): 'Title "quoted" \\ back',
        ("Description",): "it's literal",
        ("summary",): "Multi\nline",
        ("subtitle",): "still literal\nlines",
        ("tags", 2): "C",
        ("meta", "caption"): "Inline",
        ("image", "caption"): "Image",
        ("gallery_item", 1, "alt"): "Alt B",
    }
    new = splice(fm, edits)
    changed = _changed_lines(fm.raw, new)
    assert '+ title= "Title \\"quoted\\" \\\\ back"\n' in changed
    assert '+ Description = "it\'s literal"\n' in changed
    assert '+ 要約"""\n' not in changed and '+ line"""\n' in changed
    assert "+ lines'''\n" in changed
    assert '+   "C", # trailing comment\n' in changed
    assert '+ meta = { caption = "Inline", n = 3 }\n' in changed
    assert '+ alt = "Alt B"\n' in changed
    data = _parse_raw(fm, new)
    assert data["title"] == 'Title "quoted" \\ back'
    assert data["summary"] == "Multi\nline"
    assert data["subtitle"] == "still literal\nlines"
    assert data["gallery_item"][1]["alt"] == "Alt B"
    assert data["date"] == fm.data["date"]


def test_splice_toml_literal_falls_back_and_crlf() -> None:
    text = "+++\r\ntitle = 'リテラル'\r\nsummary = '''\r\n一\r\n二'''\r\n+++\r\n"
    fm, _ = split_front_matter(text)
    new = splice(fm, {("title",): "it's", ("summary",): "one\ntwo"})
    assert new == '+++\r\ntitle = "it\'s"\r\nsummary = """\r\none\r\ntwo"""\r\n+++\r\n'
    assert _parse_raw(fm, new) == {"title": "it's", "summary": "one\ntwo"}


def test_splice_json_keeps_layout() -> None:
    fm, body = split_front_matter(JSON_STYLES)
    new = splice(fm, {("title",): 'JSON "title" ✓', ("summary",): "Sum\nmary"})
    assert _changed_lines(fm.raw, new) == [
        '-   "title": "JSONのタイトル",\n',
        '+   "title": "JSON \\"title\\" ✓",\n',
        '-   "summary": "",\n',
        '+   "summary": "Sum\\nmary",\n',
    ]
    assert body == "本文\n"


def test_splice_paths_match_case_insensitively() -> None:
    fm, _ = split_front_matter("+++\nTitle = 'a'\n+++\n")
    assert splice(fm, {("title",): "b"}) == "+++\nTitle = 'b'\n+++\n"


@pytest.mark.parametrize(
    ("text", "edits", "expected"),
    [
        ("---\ntitle: a\n---\n", {("nope",): "x"}, "no value at 'nope'"),
        ("---\ntags: [a]\n---\n", {("tags",): "x"}, "no value at 'tags'"),
        ("本文\n", {("title",): "x"}, "there is no front matter"),
        ("---\ntitle: a\n---\n", {("title",): 3}, "not a string"),
        ("---\ntitle: a\n---\n", {("title",): "x", ("TITLE",): "y"}, "edited twice"),
    ],
)
def test_splice_errors(text: str, edits: dict, expected: str) -> None:
    fm, _ = split_front_matter(text)
    with pytest.raises(FrontMatterError, match=expected) as info:
        splice(fm, edits)
    assert "\n" not in str(info.value)


def test_splice_verification_catches_a_bad_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    fm, _ = split_front_matter("---\ntitle: a\nsummary: b\n---\n")
    good = fmod._render

    def off_by_one(kind, sc, value, raw, nl, safe):  # type: ignore[no-untyped-def]
        return good(kind, sc, value + ("" if safe else "!"), raw, nl, safe)

    monkeypatch.setattr(fmod, "_render", off_by_one)
    # The first, style-keeping attempt is wrong; the plain retry is right and wins.
    assert splice(fm, {("title",): "T"}) == '---\ntitle: "T"\nsummary: b\n---\n'

    monkeypatch.setattr(fmod, "_render", lambda *a: "x\nsummary: c")
    with pytest.raises(FrontMatterError, match="would change the front matter") as info:
        splice(fm, {("title",): "T"})
    assert "\n" not in str(info.value)


def test_splice_never_closes_toml_early() -> None:
    fm, _ = split_front_matter("+++\nsummary = '''\nx'''\n+++\n")
    new = splice(fm, {("summary",): "a\n+++\nb"})
    assert _parse_raw(fm, new) == {"summary": "a\n+++\nb"}
    assert new.count("\n+++") == 1


# --------------------------------------------------------------------------- adding keys


def test_add_key_yaml_after_title() -> None:
    fm, _ = split_front_matter(SEED_LIKE.replace('summary: ""\n', ""))
    new = add_key(fm, ("summary",), 'An "English" summary')
    assert _changed_lines(fm.raw, new) == ['+ summary: "An \\"English\\" summary"\n']
    assert new.index("summary") > new.index("title")
    with pytest.raises(FrontMatterError, match="already exists"):
        add_key(split_front_matter(SEED_LIKE)[0], ("Summary",), "x")


def test_add_key_yaml_variants() -> None:
    fm, _ = split_front_matter("---\r\ndate: 2020-01-01\r\n---\r\n")
    assert add_key(fm, ("summary",), "s") == '---\r\ndate: 2020-01-01\r\nsummary: "s"\r\n---\r\n'
    fm, _ = split_front_matter("---\ntitle: |\n  a\n\ndraft: true\n---\n")
    assert add_key(fm, ("summary",), "s") == (
        '---\ntitle: |\n  a\nsummary: "s"\n\ndraft: true\n---\n'
    )
    fm, _ = split_front_matter("---\n---\n")
    assert add_key(fm, ("summary",), "s") == '---\nsummary: "s"\n---\n'
    fm, _ = split_front_matter("\ufeff本文\n")
    assert add_key(fm, ("summary",), "s: x") == '---\nsummary: "s: x"\n---\n'
    assert add_key(fm, ("summary",), "s", newline="\r\n") == '---\r\nsummary: "s"\r\n---\r\n'
    with pytest.raises(FrontMatterError, match="top-level"):
        add_key(fm, ("image", "caption"), "x")


def test_add_key_toml() -> None:
    fm, _ = split_front_matter('+++\ntitle= "題"\ndraft = false\n[image]\ncaption = ""\n+++\n')
    new = add_key(fm, ("summary",), "Sum \\ mary")
    assert new == (
        '+++\ntitle= "題"\nsummary= "Sum \\\\ mary"\ndraft = false\n[image]\ncaption = ""\n+++\n'
    )
    fm, _ = split_front_matter("+++\ndraft = false\n\n[taxonomies]\ntags = []\n+++\n")
    new = add_key(fm, ("summary",), "s")
    assert new == '+++\ndraft = false\n\nsummary = "s"\n[taxonomies]\ntags = []\n+++\n'
    assert _parse_raw(fm, new)["summary"] == "s"


def test_add_key_json() -> None:
    fm, _ = split_front_matter(JSON_STYLES.replace('  "summary": "",\n', ""))
    new = add_key(fm, ("summary",), "要約")
    assert _changed_lines(fm.raw, new) == ['+   "summary": "要約",\n']
    fm, _ = split_front_matter('{"draft": true}\n')
    assert add_key(fm, ("summary",), "s") == '{"draft": true, "summary": "s"}\n'
    fm, _ = split_front_matter("{}\n")
    assert add_key(fm, ("summary",), "s") == '{"summary": "s"}\n'


# --------------------------------------------------------------------------- URLs


def test_prefix_urls_yaml() -> None:
    fm, _ = split_front_matter(YAML_STYLES)
    edits = prefix_urls(fm, "/en")
    assert edits == {("url",): "/en/posts/x/", ("aliases", 0): "/en/old/a"}
    assert prefix_urls(fm, "en/") == edits
    assert prefix_urls(fm, "") == {}
    new = splice(fm, edits)
    changed = _changed_lines(fm.raw, new)
    assert changed == [
        "- url: /posts/x/\n",
        "+ url: /en/posts/x/\n",
        "-   - /old/a\n",
        "+   - /en/old/a\n",
    ]


def test_prefix_urls_toml_and_relative() -> None:
    fm, _ = split_front_matter(TOML_STYLES)
    assert prefix_urls(fm, "/en") == {("url",): "/en/posts/x/", ("aliases", 0): "/en/old/a"}
    # Hugo already puts the language prefix in front of a relative url.
    fm, _ = split_front_matter("---\nurl: iijmio-telephone-transfer.html\n---\n")
    assert prefix_urls(fm, "/en") == {}


# --------------------------------------------------------------------------- property

_FRAGMENTS = st.sampled_from(
    [
        '"',
        "'",
        "\\",
        "\n",
        "\r\n",
        "#",
        ": ",
        " ",
        "  ",
        "\t",
        "日本語",
        "'''",
        '"""',
        "+++",
        "---",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "%",
        "\x00",
        "\x7f",
        "\u2028",
        "\ufeff",
        "é",
        "😀",
        "true",
        "1.5",
        "\\u0041",
        "|",
        ">",
    ]
)
_TEXT = st.lists(
    st.one_of(_FRAGMENTS, st.text(st.characters(exclude_categories=("Cs",)), max_size=6)),
    max_size=8,
).map("".join)


def _check_property(text: str, path: tuple, value: str) -> None:
    fm, _ = split_front_matter(text)
    field = next(f for f in reader_fields(fm, include_taxonomies=True) if f.path == path)
    new = splice(fm, {path: value})
    # Everything outside the edited value's span is byte-identical.
    assert new[: field.start] == fm.raw[: field.start]
    assert new.endswith(fm.raw[field.end :])
    data = _parse_raw(fm, new)
    expected = json.loads(json.dumps(fm.data, default=str))
    got = json.loads(json.dumps(data, default=str))
    node = expected
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    assert got == expected


_YAML_PATHS = [
    ("title",),
    ("subtitle",),
    ("summary",),
    ("description",),
    ("linkTitle",),
    ("tags", 0),
    ("tags", 1),
    ("image", "caption"),
    ("gallery_item", 0, "alt"),
]
_TOML_PATHS = [
    ("title",),
    ("Description",),
    ("summary",),
    ("subtitle",),
    ("tags", 1),
    ("tags", 2),
    ("image", "caption"),
    ("gallery_item", 1, "alt"),
]
_JSON_PATHS = [("title",), ("image", "caption")]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_TEXT, index=st.integers(0, 100), crlf=st.booleans())
def test_property_splice_any_string(value: str, index: int, crlf: bool) -> None:
    for text, paths in (
        (YAML_STYLES, _YAML_PATHS),
        (TOML_STYLES, _TOML_PATHS),
        (JSON_STYLES, _JSON_PATHS),
    ):
        if crlf:
            text = text.replace("\n", "\r\n")
        _check_property(text, paths[index % len(paths)], value)


_EMPTY_SUMMARIES = [
    '---\ntitle: "t"\nsummary: ""\ndraft: false\n---\n',
    "---\ntitle: t\nsummary:\ndraft: false\n---\n",
    "---\ntitle: t\nsummary: # to do\ndraft: false\n---\n",
    "+++\ntitle = 't'\nsummary = \"\"\ndraft = false\n+++\n",
    "+++\ntitle = 't'\nsummary = ''\ndraft = false\n+++\n",
    '{\n  "title": "t",\n  "summary": "",\n  "draft": false\n}\n',
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_TEXT, crlf=st.booleans())
def test_property_fill_empty_summary(value: str, crlf: bool) -> None:
    for text in _EMPTY_SUMMARIES:
        if crlf:
            text = text.replace("\n", "\r\n")
        fm, _ = split_front_matter(text)
        new = splice(fm, {("summary",): value})
        changed = _changed_lines(fm.raw, new)
        if new != fm.raw:  # an empty string spliced into `summary: ""` changes nothing
            assert [c[:2] for c in changed] == ["- ", "+ "], changed
            assert "summary" in changed[0] and "summary" in changed[1]
        assert _parse_raw(fm, new) == {**fm.data, "summary": value}


TRICKY_TOML = """\
+++
"quoted key" = "v1"  # comment with "quotes" and = sign
'lit key'.sub = 'v2'
site . "dotted" . key = "v3 # not a comment"
when = 1979-05-27 07:32:00
nums = [ 1, 2.5, -3e2 ]
mixed = [ { caption = "c0" }, { caption = 'c1', n = [1, [2, 3]] } ]
esc = "tab\\t \\"q\\" \\u00e9"

[ gallery ]   # spaces in the header
caption = "g"

[[gallery.items]]
caption = "i0"
[[gallery.items]]
caption = "i1"
[gallery.items.extra]
alt = "i1 extra"

[[gallery_item]]
caption = "写真"
+++
"""


@pytest.mark.parametrize("text", [YAML_STYLES, TOML_STYLES, JSON_STYLES, TRICKY_TOML, SEED_LIKE])
def test_every_located_value_matches_the_parser(text: str) -> None:
    fm, _ = split_front_matter(text)
    scalars = fmod._scalars(fm)
    assert scalars
    for sc in scalars:
        node = fm.data
        for p in sc.path:
            node = node[p]
        # YAML's composer keeps non-string scalars as their source text.
        assert node == sc.value or (fm.kind == "yaml" and not sc.is_str), sc
        assert sc.start < sc.end or fm.kind == "yaml"
    strings = [sc for sc in scalars if sc.is_str]
    edits = {sc.path: f"X{i} 'q' \\ \"d\"" for i, sc in enumerate(strings)}
    new = splice(fm, edits)
    data = _parse_raw(fm, new)
    for path, value in edits.items():
        node = data
        for p in path:
            node = node[p]
        assert node == value


# --------------------------------------------------------------------------- corpus


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".md", ".markdown"))


def test_corpus_split_read_and_edit() -> None:
    files = _corpus_files()
    checked = 0
    for path in files:
        with path.open(encoding="utf-8", newline="") as f:  # newline="": keep CRLF
            text = f.read()
        fm, body = split_front_matter(text)
        assert fm.prefix + fm.raw + body == text, path
        fields = reader_fields(fm, include_taxonomies=True)
        _assert_spans(fm, fields)
        for sc in fmod._scalars(fm):
            found = fmod._lookup(fm.data, sc.path, exact=True)
            assert found == sc.value or (fm.kind == "yaml" and not sc.is_str), (path, sc)
        title = string_value(fm, ("title",))
        if title and title.strip():
            assert any(f.path[0].casefold() == "title" and f.value == title for f in fields), path
        if fm.kind is None:
            checked += 1
            continue
        # Edit every reader field at once: only those values may change.
        edits = {f.path: f"EN {f.value}" for f in fields}
        edits.update(prefix_urls(fm, "/en"))
        new = splice(fm, edits)
        assert len(_lines(new)) == len(_lines(fm.raw)) or any("\n" in f.value for f in fields), path
        if not has_key(fm, ("summary",)):
            added = add_key(fm, ("summary",), "An English summary.")
            assert _changed_lines(fm.raw, added)[-1].startswith("+ summary"), path
        checked += 1
    print(f"front matter: checked {checked} corpus files")
    assert checked > 0, "corpus folder exists but no file was checked"


# --------------------------------------------------------------------------- TOML and JSON edges

# tomlkit renders this with its table headers respelled and the split array of tables moved
# together; the values must still be found where they are and nothing else may change.
TOML_TOMLKIT_REWRITES = """\
+++
[[a]]
x = 'a0'
[ b ]
y = "b"
[[a]]
x = 'a1'
[[ a . items ]]
z = 'i'
+++
"""


def test_toml_values_found_where_tomlkit_would_rewrite_the_layout() -> None:
    fm, _ = split_front_matter(TOML_TOMLKIT_REWRITES)
    located = [(sc.path, fm.raw[sc.start : sc.end]) for sc in fmod._scalars(fm)]
    assert located == [
        (("a", 0, "x"), "'a0'"),
        (("b", "y"), '"b"'),
        (("a", 1, "x"), "'a1'"),
        (("a", 1, "items", 0, "z"), "'i'"),
    ]
    edits = {("a", 0, "x"): "A0", ("b", "y"): "B", ("a", 1, "x"): "A1"}
    edits[("a", 1, "items", 0, "z")] = "I"
    new = splice(fm, edits)
    assert new == TOML_TOMLKIT_REWRITES.replace("'a0'", "'A0'").replace('"b"', '"B"').replace(
        "'a1'", "'A1'"
    ).replace("'i'", "'I'")


def test_toml_bracket_lines_inside_values_are_not_headers() -> None:
    text = "+++\ns = '''\n[not a header]\n'''\narr = [\n[1],\n['x'],\n]\n[t]\nk = 'v'\n+++\n"
    for variant in (text, text.replace("\n", "\r\n")):
        fm, _ = split_front_matter(variant)
        assert [sc.path for sc in fmod._scalars(fm)] == [
            ("s",),
            ("arr", 0, 0),
            ("arr", 1, 0),
            ("t", "k"),
        ]
        new = add_key(fm, ("summary",), "S")
        nl = "\r\n" if "\r\n" in variant else "\n"
        assert new == variant.replace(f"[t]{nl}", f'summary = "S"{nl}[t]{nl}')


TOML_COMMENTS_INLINE_DOTTED = """\
+++
title = "題" # 題名 = "not this"
params.sub.caption = 'ドット'
meta = { caption = "インライン", alt = 'lit', n = { deep = "深い" } }
arr = [ # comment "x"
  "一", # "two"
  '二',
]
+++
"""


def test_splice_toml_comments_inline_tables_dotted_keys() -> None:
    fm, _ = split_front_matter(TOML_COMMENTS_INLINE_DOTTED)
    styles = [(sc.path, sc.style) for sc in fmod._scalars(fm)]
    assert styles == [
        (("title",), '"'),
        (("params", "sub", "caption"), "'"),
        (("meta", "caption"), '"'),
        (("meta", "alt"), "'"),
        (("meta", "n", "deep"), '"'),
        (("arr", 0), '"'),
        (("arr", 1), "'"),
    ]
    new = splice(
        fm,
        {
            ("title",): "Title",
            ("params", "sub", "caption"): "Dot",
            ("meta", "caption"): "Inline",
            ("meta", "alt"): "it's",  # a literal string cannot hold "'": basic instead
            ("meta", "n", "deep"): "Deep",
            ("arr", 0): "One",
            ("arr", 1): "Two",
        },
    )
    assert new == (
        "+++\n"
        'title = "Title" # 題名 = "not this"\n'
        "params.sub.caption = 'Dot'\n"
        'meta = { caption = "Inline", alt = "it\'s", n = { deep = "Deep" } }\n'
        'arr = [ # comment "x"\n'
        '  "One", # "two"\n'
        "  'Two',\n"
        "]\n"
        "+++\n"
    )


def test_splice_toml_multiline_strings_keep_their_style() -> None:
    text = "+++\nsummary = \"\"\"\\\n  続き \\\n  です\"\"\"\ntitle = '''\n一\n二'''\n+++\n"
    fm, _ = split_front_matter(text)
    assert fm.data == {"summary": "続き です", "title": "一\n二"}
    new = splice(fm, {("summary",): "Continued", ("title",): "One\nTwo"})
    assert new == "+++\nsummary = \"\"\"Continued\"\"\"\ntitle = '''\nOne\nTwo'''\n+++\n"
    # A multi-line literal cannot end with "'": it becomes a multi-line basic string.
    new = splice(fm, {("title",): "a 'quote'"})
    assert new.endswith('title = """\na \'quote\'"""\n+++\n')


def test_add_key_toml_copies_the_title_separator() -> None:
    fm, _ = split_front_matter('+++\n"title" = "x"\ndraft = true\n+++\n')
    assert (
        add_key(fm, ("summary",), "S") == '+++\n"title" = "x"\nsummary = "S"\ndraft = true\n+++\n'
    )
    fm, _ = split_front_matter("+++\ntitle =\t'x' # c\n+++\n")
    assert add_key(fm, ("summary",), "S") == "+++\ntitle =\t'x' # c\nsummary =\t\"S\"\n+++\n"


JSON_NESTED_ESCAPES = (
    '{"title": "\\u984c", "image": {"caption": "\\ud83d\\ude00 cap", "meta": {"alt": "a\\"b"}},'
    ' "tags": ["x", {"y": "z"}]}\nbody'
)


def test_json_nested_objects_and_unicode_escapes() -> None:
    fm, body = split_front_matter(JSON_NESTED_ESCAPES)
    assert body == "body" and fm.raw.endswith("]}\n")
    assert fm.data["title"] == "題" and fm.data["image"]["caption"] == "😀 cap"
    located = [(sc.path, sc.value, fm.raw[sc.start : sc.end]) for sc in fmod._scalars(fm)]
    assert located == [
        (("title",), "題", '"\\u984c"'),
        (("image", "caption"), "😀 cap", '"\\ud83d\\ude00 cap"'),
        (("image", "meta", "alt"), 'a"b', '"a\\"b"'),
        (("tags", 0), "x", '"x"'),
        (("tags", 1, "y"), "z", '"z"'),
    ]
    assert [f.path for f in reader_fields(fm)] == [("title",), ("image", "caption")]
    new = splice(fm, {("title",): "Title ✓", ("image", "caption"): "😀 cap\u2028"})
    assert new == fm.raw.replace('"\\u984c"', '"Title ✓"').replace(
        '"\\ud83d\\ude00 cap"', '"😀 cap\\u2028"'
    )
    added = add_key(fm, ("summary",), "要約")
    assert added == fm.raw.replace('"\\u984c", ', '"\\u984c", "summary": "要約", ')


@pytest.mark.parametrize(
    ("text", "raw", "body"),
    [
        ('{"a": "}"}\r\nbody', '{"a": "}"}\r\n', "body"),
        ('{"a": {"b": [1, {}]}}{"c": 2}', '{"a": {"b": [1, {}]}}', '{"c": 2}'),
        ('{\n  "a": "\\\\"\n}\n\n', '{\n  "a": "\\\\"\n}\n', "\n"),
    ],
)
def test_json_object_ends_where_the_decoder_says(text: str, raw: str, body: str) -> None:
    fm, rest = split_front_matter(text)
    assert (fm.raw, rest) == (raw, body)
