"""Invariants 2 and 5: whatever a misbehaving model returns, nothing but prose changes, the block
structure stays, English reads as English, and what could not be translated is reported.

Protected content is extracted from input and output independently of the pipeline (markdown-it's
token stream and simple regexes) and compared as multisets."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from ruamel.yaml import YAML
from standins import MISBEHAVING, Empty, EnglishWords, Repeat, StripPunct

from pipeline.api import Engine, Options, translate_post
from pipeline.document import parse_document
from pipeline.frontmatter import split_front_matter

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").rglob("*.md"))
CORPUS = ROOT.parent / "shared" / "corpus" / "ja-posts"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.S)
READER_KEYS = {"title", "subtitle", "summary", "description", "linktitle"}


def read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def corpus_sample(count: int = 6) -> list[Path]:
    if not CORPUS.is_dir():
        return []
    files = sorted(CORPUS.rglob("*.md"))
    step = max(1, len(files) // count)
    return files[::step][:count]


def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return md.use(footnote_plugin).use(dollarmath_plugin, allow_space=False, allow_digits=False)


READER_ATTRIBUTE = re.compile(
    r"""(?<![\w-])(alt|title|aria-label|placeholder)\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE
)


def protected(text: str) -> Counter[str]:
    """Everything invariant 2 says must come out identical, as a multiset of tagged strings."""
    # Prose parameters of shortcodes (title=, caption=…) are translated; blank them first so
    # that neither the shortcode nor an HTML-looking tag inside it differs because of them.
    body = SHORTCODE.sub(lambda m: _without_prose_params(m.group()), split_front_matter(text)[1])
    # So are the values of HTML tags' reader attributes (alt, title, aria-label, placeholder).
    body = READER_ATTRIBUTE.sub(r"\1=…", body)
    found: Counter[str] = Counter()
    tokens = _md().parse(body)
    for token in tokens:
        if token.type in ("fence", "code_block", "math_block"):
            found[f"{token.type}:{token.info}:{token.content}"] += 1
        for child in token.children or ():
            if child.type in ("code_inline", "math_inline"):
                found[f"{child.type}:{child.content}"] += 1
            elif child.type == "link_open":
                found[f"href:{child.attrs.get('href')}"] += 1
            elif child.type == "image":
                found[f"src:{child.attrs.get('src')}"] += 1
            elif child.type == "html_inline":
                found[f"html:{child.content}"] += 1
    for url in re.findall(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", body):
        found[f"url:{url.rstrip('.,;:!?)' + chr(39) + chr(34))}"] += 1
    for tag in re.findall(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->", body, re.S):
        found[f"tag:{tag}"] += 1
    for code in SHORTCODE.findall(body):
        found[f"shortcode:{code}"] += 1
    return found


def _without_prose_params(shortcode: str) -> str:
    return re.sub(
        r"""\b(title|caption|alt|summary)\s*=\s*("(?:[^"\\]|\\.)*"|`[^`]*`)""", r"\1=…", shortcode
    )


def structure(text: str) -> list[str]:
    _, body = split_front_matter(text)
    wanted = ("heading_open", "bullet_list_open", "ordered_list_open", "list_item_open", "tr_open",
              "th_open", "td_open", "blockquote_open", "fence", "code_block", "hr", "html_block",
              "math_block", "footnote_open", "table_open")  # fmt: skip
    return [f"{t.type}:{t.tag}:{t.level}" for t in _md().parse(body) if t.type in wanted]


def front_data(text: str) -> dict | None:
    front, _ = split_front_matter(text)
    raw = front.raw
    if front.kind is None:
        return None
    lines = raw.splitlines()
    if raw.lstrip().startswith("---"):
        data = YAML(typ="safe").load("\n".join(lines[1:-1]))
    elif raw.lstrip().startswith("+++"):
        data = tomllib.loads("\n".join(lines[1:-1]))
    else:
        data = json.loads(raw)
    return _drop_reader(data or {})


def _drop_reader(data: dict) -> dict:
    out = {k: v for k, v in data.items() if k.casefold() not in READER_KEYS}
    if isinstance(out.get("image"), dict):
        out["image"] = {k: v for k, v in out["image"].items() if k != "caption"}
    if isinstance(out.get("gallery_item"), list):
        out["gallery_item"] = [
            {k: v for k, v in item.items() if k not in ("caption", "alt")}
            if isinstance(item, dict) else item
            for item in out["gallery_item"]
        ]  # fmt: skip
    return out


def run(text: str, translator: object) -> tuple[str, object]:
    return translate_post(text, Engine(translator), Options(summary="off"))


def posts() -> list[Path]:
    return SAMPLES + corpus_sample()


# --------------------------------------------------------------------------- invariant 2


STANDINS = list(MISBEHAVING)


def test_code_span_around_escaped_shortcode_is_one_atom() -> None:
    text = "`{{</* */>}}` で囲むと中身はそのまま渡されます。\n"
    translator = EnglishWords()
    run(text, translator)
    assert all("`" not in s for s in translator.sentences), translator.sentences
    out, _ = run(text, StripPunct())
    assert out.startswith("`{{</* */>}}` ")


@pytest.mark.parametrize("standin", STANDINS, ids=lambda c: c.__name__)
def test_nothing_but_prose_changes(standin: type) -> None:
    checked = 0
    for path in posts():
        text = read(path)
        out, _ = run(text, standin())
        name = path.name
        assert protected(out) == protected(text), f"{standin.__name__} on {name}"
        assert structure(out) == structure(text), f"{standin.__name__} on {name}"
        assert front_data(out) == front_data(text), f"{standin.__name__} on {name}"
        checked += 1
    assert checked >= len(SAMPLES)


def test_the_extractors_see_what_they_compare() -> None:
    """The comparison above would pass vacuously if the extractors found nothing."""
    text = read(ROOT / "samples" / "content" / "ja" / "post" / "hugo-shortcodes.md")
    kinds = {key.split(":", 1)[0] for key in protected(text)}
    assert {"code_inline", "href", "shortcode", "math_block", "math_inline", "tag"} <= kinds
    assert any(s.startswith("heading_open") for s in structure(text))
    assert protected(text.replace("cat access.log", "cat access.txt")) != protected(text)


# --------------------------------------------------------------------------- invariant 5


def _japanese_outside_code(text: str) -> list[str]:
    """Japanese left in the prose of a post (atoms, code blocks, tags and data shortcodes are
    allowed to keep theirs)."""
    document = parse_document(text)
    left = []
    for unit in document.prose:
        prose = "".join(c for c in unit.text if not 0xE000 <= ord(c) <= 0xF8FF)
        if JAPANESE.search(prose):
            left.append(prose)
    return left


def test_english_words_leave_no_japanese_prose() -> None:
    files = SAMPLES + (sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else [])
    leftovers: dict[str, list[str]] = {}
    for path in files:
        translator = EnglishWords()
        out, report = run(read(path), translator)
        # Every sentence translated (the report's `kept` also lists Japanese an HTML block keeps
        # as written, in a tag's attributes or a `<pre>`: no sentence, and no translator's doing).
        assert report.translated + report.from_memory == report.sentences_total, path.name
        left = _japanese_outside_code(out)
        if left:
            leftovers[path.name] = left[:3]
    print(f"robustness: checked {len(files)} posts for Japanese left in prose")
    assert leftovers == {}


def _glued_atoms(source: str, output: str) -> list[str]:
    """Code spans and shortcodes that touch an ASCII letter or digit in the output where the
    source never had them touch ASCII text (there the author meant it, e.g. `foo`s)."""
    raws: dict[str, bool] = {}
    for unit in parse_document(source).prose:
        for i, char in enumerate(unit.text):
            index = ord(char) - 0xE000
            if not 0 <= index < len(unit.atoms):
                continue
            atom = unit.atoms[index]
            if atom.kind not in ("code", "shortcode"):
                continue
            near = unit.text[i - 1 : i] + unit.text[i + 1 : i + 2] if i else unit.text[1:2]
            glued = bool(re.search(r"[A-Za-z0-9\ue000-\uf8ff]", near))
            raws[atom.raw] = raws.get(atom.raw, False) or glued
    out_body = split_front_matter(output)[1]
    problems = []
    for raw, glued_in_source in raws.items():
        if glued_in_source:
            continue
        for found in re.finditer(re.escape(raw), out_body):
            left = out_body[found.start() - 1 : found.start()]
            right = out_body[found.end() : found.end() + 1]
            if re.match(r"[A-Za-z0-9]", left) or re.match(r"[A-Za-z0-9]", right):
                problems.append(out_body[max(0, found.start() - 15) : found.end() + 15])
    return problems


def test_no_atom_glued_to_an_english_word() -> None:
    files = SAMPLES + (sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else [])
    glued: dict[str, list[str]] = {}
    for path in files:
        text = read(path)
        out, _ = run(text, EnglishWords())
        problems = _glued_atoms(text, out)
        if problems:
            glued[path.name] = problems[:3]
    assert glued == {}


def test_glue_check_catches_glued_code() -> None:
    source = "これは`x`です。\n"
    assert _glued_atoms(source, "This is`x`it.\n")
    assert not _glued_atoms(source, "This is `x` it.\n")
    assert not _glued_atoms("`foo`s と書く\n", "Write `foo`s\n")


def test_english_words_reach_the_output_with_english_spacing() -> None:
    out, report = run("これは`x`です。次は[リンク](https://a.example/)を見る。\n", EnglishWords())
    assert not JAPANESE.search(out)
    assert " `x` " in out and "](https://a.example/)" in out
    assert report.translated == report.sentences_total > 0
    assert not re.search(r"[、。「」]", out)


# --------------------------------------------------------------------------- reported, not silent


@pytest.mark.parametrize("standin", [Empty, Repeat], ids=lambda c: c.__name__)
def test_failed_translations_are_reported(standin: type) -> None:
    for path in SAMPLES + corpus_sample(3):
        text = read(path)
        out, report = run(text, standin())
        has_prose = any(JAPANESE.search(u.text) for u in parse_document(text).prose)
        if has_prose:
            assert report.kept, f"{path.name}: nothing reported although the model failed"
            assert report.partial
        assert out == text or protected(out) == protected(text)
        assert "the model is the model is the model is the model is" not in out


def test_empty_output_keeps_the_source_sentence() -> None:
    text = "# 見出し\n\n本文です。`code` を使います。\n"
    out, report = run(text, Empty())
    assert out == text
    assert len(report.kept) == report.sentences_total == 3
