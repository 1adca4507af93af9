"""YAML front matter: where each scalar value lies in the raw text, and adding a key.

ruamel.yaml's composer gives every node its start and end marks, so the spans come straight from
the parser; only block scalars (``|``, ``>``) need their end moved back before trailing blank lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pipeline.frontmatter.model import FrontMatterError, Path, Scalar, inner, line_after, lines
from pipeline.frontmatter.split import safe_yaml
from pipeline.frontmatter.yaml_quote import yaml_double


def yaml_root(raw: str) -> tuple[int, Node | None]:
    offset, text = inner(raw)
    return offset, safe_yaml().compose(text)


@dataclass(frozen=True)
class _Walk:
    """What every step of the walk over the node tree shares."""

    raw: str
    offset: int  # of the YAML text inside ``raw``
    uses: dict[int, int]  # how often each node is reached: more than once means an alias
    out: list[Scalar] = field(default_factory=list)


def yaml_scalars(raw: str) -> list[Scalar]:
    offset, root = yaml_root(raw)
    if root is None:
        return []
    walk = _Walk(raw, offset, {})
    _count_nodes(root, walk.uses)
    _walk_yaml(walk, root, (), False, None)
    return walk.out


def _count_nodes(node: Node, uses: dict[int, int]) -> None:
    uses[id(node)] = uses.get(id(node), 0) + 1
    if uses[id(node)] > 1:
        return
    if isinstance(node, MappingNode):
        for k, v in node.value:
            _count_nodes(k, uses)
            _count_nodes(v, uses)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _count_nodes(item, uses)


def _walk_yaml(walk: _Walk, node: Node, path: Path, flow: bool, key: ScalarNode | None) -> None:
    if walk.uses.get(id(node), 0) > 1:
        return  # an anchored node used again through an alias: editing it would edit both
    if isinstance(node, MappingNode):
        inner_flow = flow or bool(node.flow_style)
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                _walk_yaml(walk, v, (*path, k.value), inner_flow, k)
        return
    if isinstance(node, SequenceNode):
        inner_flow = flow or bool(node.flow_style)
        for i, item in enumerate(node.value):
            _walk_yaml(walk, item, (*path, i), inner_flow, None)
        return
    if isinstance(node, ScalarNode):
        walk.out.append(_located(walk, node, path, flow, key))


def _located(
    walk: _Walk, node: ScalarNode, path: Path, flow: bool, key: ScalarNode | None
) -> Scalar:
    start = node.start_mark.index + walk.offset
    end = node.end_mark.index + walk.offset
    style = node.style or ""
    indent = ""
    if style in ("|", ">"):
        end, indent = _block_extent(walk.raw, start, end)
    return Scalar(
        path=path,
        value=node.value,
        is_str=(node.tag or "").endswith(":str"),
        start=start,
        end=end,
        style=style,
        flow=flow,
        key_start=None if key is None else key.start_mark.index + walk.offset,
        key_end=None if key is None else key.end_mark.index + walk.offset,
        block_indent=indent,
    )


def _line_indent(raw: str, pos: int) -> str:
    line_start = raw.rfind("\n", 0, pos) + 1
    line = raw[line_start:pos]
    return line[: len(line) - len(line.lstrip(" "))]


def _block_extent(raw: str, start: int, end: int) -> tuple[int, str]:
    """End of a block scalar's last content line (before its line break), and its indentation.

    ruamel's end mark lies after the trailing blank lines, which belong to the layout."""
    header_end = raw.find("\n", start, end)
    if header_end < 0:
        return end, _line_indent(raw, start) + "  "
    last = header_end
    indent = None
    for s, e in lines(raw[:end], header_end + 1):
        text = raw[s:e].rstrip("\r\n")
        if text.strip(" "):
            last = s + len(text)
            if indent is None:
                indent = text[: len(text) - len(text.lstrip(" "))]
    if last == header_end and raw[header_end - 1] == "\r":
        last -= 1
    return last, indent if indent is not None else _line_indent(raw, start) + "  "


def yaml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else yaml_double(key)


def add_yaml(raw: str, key: str, value: str, nl: str) -> str:
    """``raw`` with ``key: "value"`` on a new line after ``title`` (else at the end)."""
    offset, root = yaml_root(raw)
    _, text = inner(raw)
    at = offset + len(text)
    indent = ""
    if root is not None:
        if not isinstance(root, MappingNode) or root.flow_style:
            raise FrontMatterError("cannot add a key to this YAML front matter")
        if root.value:
            indent = " " * root.value[0][0].start_mark.column
        for k, v in root.value:
            if isinstance(k, ScalarNode) and str(k.value).casefold() == "title":
                title = next((sc for sc in yaml_scalars(raw) if sc.path == (k.value,)), None)
                if title is not None:
                    at = line_after(raw, title.end)
                else:  # a collection: its end mark is already at the start of a line
                    end = v.end_mark.index + offset
                    at = end if raw[end - 1] == "\n" else line_after(raw, end)
                indent = " " * k.start_mark.column
                break
    line = f"{indent}{yaml_key(key)}: {yaml_double(value)}{nl}"
    if at > 0 and raw[at - 1] != "\n":
        line = nl + line
    return raw[:at] + line + raw[at:]
