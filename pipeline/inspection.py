"""`honyaku inspect`: what the translator would get for a post, and what is kept out of it."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import chars, segment
from pipeline.api import japanese_in_code, parse_post
from pipeline.document import Prose
from pipeline.frontmatter import reader_fields


@dataclass(frozen=True)
class SentenceInfo:
    block: str
    text: str  # as the translator gets it, atoms shown as ⟨n⟩
    atoms: list[str]
    translated: bool


@dataclass(frozen=True)
class Inspection:
    front_matter: str
    fields: list[str]
    sentences: list[SentenceInfo]
    code_blocks: int
    code_block_japanese_chars: int
    unlabelled_blocks_with_japanese: int

    def render(self) -> str:
        lines = [f"front matter: {self.front_matter}"]
        lines += [f"  field {f}" for f in self.fields]
        sent = [s for s in self.sentences if s.translated]
        lines.append(
            f"{len(sent)} sentences to translate, {len(self.sentences) - len(sent)} kept as written"
        )
        for s in self.sentences:
            mark = "→" if s.translated else "="
            lines.append(f"{mark} [{s.block}] {s.text}")
            for index, atom in enumerate(s.atoms):
                lines.append(f"      ⟨{index}⟩ {atom}")
        lines.append(
            f"code blocks: {self.code_blocks} (kept as written; {self.code_block_japanese_chars} "
            f"Japanese characters in them, {self.unlabelled_blocks_with_japanese} unlabelled blocks "
            "with Japanese)"
        )
        return "\n".join(lines)


def _shown(text: str, unit: Prose) -> tuple[str, list[str]]:
    out: list[str] = []
    used: list[str] = []
    for char in text:
        index = chars.atom_index(char)
        if index is not None and index < len(unit.atoms):
            out.append(f"⟨{len(used)}⟩")
            used.append(unit.atoms[index].raw)
        else:
            out.append("⏎" if char == "\n" else char)
    return "".join(out), used


def inspect_post(text: str) -> Inspection:
    document = parse_post(text)
    fm = document.front_matter
    fields = [f"{'.'.join(map(str, f.path))} = {f.value!r}" for f in reader_fields(fm)]
    sentences: list[SentenceInfo] = []
    for unit in document.prose:
        for piece in segment.split_sentences(unit.text):
            core = piece.strip()
            if not core:
                continue
            shown, atoms = _shown(core, unit)
            sentences.append(
                SentenceInfo(unit.block, shown, atoms, segment.needs_translation(core))
            )
    blocks = document.code_blocks
    japanese = japanese_in_code(document)
    unlabelled = sum(1 for b, n in zip(blocks, japanese, strict=True) if n and not b.info)
    return Inspection(fm.kind or "none", fields, sentences, len(blocks), sum(japanese), unlabelled)
