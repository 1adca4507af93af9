"""`--add-summary` adds a `summary` key to posts that have none, in every front-matter format
(and a new YAML block where the post has none), on `translate --stdout` and on `batch`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.frontmatter import split_front_matter
from tests.hugo_sites import BILINGUAL_DIRS
from tests.test_cli import honyaku

BODY = (
    "Hugoで多言語サイトを作る方法を説明します。"
    "設定ファイルに言語を追加して、翻訳した記事を置くだけで動きます。"
)
POSTS = {
    "yaml.md": f"---\ntitle: テスト\ndate: 2020-01-01\n---\n{BODY}\n",
    "yaml_crlf.md": f"---\r\ntitle: テスト\r\n---\r\n{BODY}\r\n",
    "toml.md": f'+++\ntitle = "テスト"\ndate = 2020-01-01\n[params]\nx = 1\n+++\n{BODY}\n',
    "json.md": f'{{\n  "title": "テスト"\n}}\n\n{BODY}\n',
    "none.md": f"{BODY}\n",
}


def _check(original: str, english: str, *, bytes_kept: bool = True) -> None:
    fm, body = split_front_matter(english)
    assert isinstance(fm.data.get("summary"), str) and fm.data["summary"].strip()
    old, _ = split_front_matter(original)
    assert fm.kind == (old.kind or "yaml")
    assert {k: v for k, v in fm.data.items() if k not in ("title", "summary")} == {
        k: v for k, v in old.data.items() if k != "title"
    }
    if bytes_kept and "\r\n" in original:  # (captured stdout folds CRLF)
        assert "\n" not in english.replace("\r\n", "")  # one line ending throughout


@pytest.mark.parametrize("name", sorted(POSTS))
def test_translate_stdout_adds_a_summary(name: str, tmp_path: Path) -> None:
    post = tmp_path / name
    post.write_bytes(POSTS[name].encode())
    result = honyaku(
        ["translate", str(post), "--backend", "pseudo", "--stdout", "--add-summary"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    _check(POSTS[name], result.stdout, bytes_kept=False)


def test_batch_adds_a_summary(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text(BILINGUAL_DIRS, encoding="utf-8")
    source = tmp_path / "content" / "ja" / "post"
    source.mkdir(parents=True)
    for name, text in POSTS.items():
        (source / name).write_bytes(text.encode())
    result = honyaku(
        ["batch", str(tmp_path / "content" / "ja"), "--backend", "pseudo", "--add-summary"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name, text in POSTS.items():
        english = (tmp_path / "content" / "en" / "post" / name).read_bytes().decode()
        _check(text, english)
