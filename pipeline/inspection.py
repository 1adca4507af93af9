"""`honyaku inspect`: what the translator would get for a post, and what is kept out of it.

It shows translate's own plan of the post (api.plan_post), so its sentences are what translate
sends: skip comments, prose fences and clause splitting included, front-matter text too.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import chars, segment
from pipeline.api import Engine, Options, ReaderUnit, UnitPlan, japanese_in_code, plan_post
from pipeline.document import Atom
from pipeline.wording import count


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
    kept: tuple[str, ...] = ()  # Japanese left as written where changing it is not safe

    def render(self) -> str:
        lines = [f"front matter: {self.front_matter}"]
        lines += [f"  field {f}" for f in self.fields]
        sent = [s for s in self.sentences if s.translated]
        lines.append(
            f"{count(len(sent), 'sentence')} to translate, "
            f"{len(self.sentences) - len(sent)} kept as written"
        )
        for s in self.sentences:
            mark = "→" if s.translated else "="
            lines.append(f"{mark} [{s.block}] {s.text}")
            for index, atom in enumerate(s.atoms):
                lines.append(f"      ⟨{index}⟩ {atom}")
        lines += [f"kept in Japanese: {reason}" for reason in self.kept]
        lines.append(
            f"code blocks: {self.code_blocks} (kept as written; "
            f"{count(self.code_block_japanese_chars, 'Japanese character')} in them, "
            f"{count(self.unlabelled_blocks_with_japanese, 'unlabelled block')} with Japanese)"
        )
        return "\n".join(lines)


def _shown(text: str, atoms: tuple[Atom, ...]) -> tuple[str, list[str]]:
    out: list[str] = []
    used: list[str] = []
    for char in text:
        index = chars.atom_index(char)
        if index is not None and index < len(atoms):
            out.append(f"⟨{len(used)}⟩")
            used.append(atoms[index].raw)
        else:
            out.append("⏎" if char == "\n" else char)
    return "".join(out), used


def inspect_post(
    text: str, *, options: Options | None = None, engine: Engine | None = None
) -> Inspection:
    """What translate would send for `text` with `options`: the same planning, so the same
    sentences and clauses. Token counts come from `engine`'s translator where it has a
    tokenizer; without one, one token per character, as translate counts without one."""
    post = plan_post(text, engine or Engine(translator=None), options or Options())
    document = post.document
    fm = document.front_matter
    fields = [f"{'.'.join(map(str, f.path))} = {f.value!r}" for f in post.fields]
    body_atoms = [unit.atoms for unit in document.prose]
    sentences: list[SentenceInfo] = []
    for index, (unit, plan) in enumerate(zip(post.units, post.plans, strict=True)):
        atoms = body_atoms[index] if index < len(body_atoms) else ()
        sentences += _unit_sentences(unit, plan, atoms)
    # A fence translated as prose (the opt-in) is not kept as written: counted as translate's
    # report counts it.
    kept = [
        (block, count)
        for block, count in zip(document.code_blocks, japanese_in_code(document), strict=True)
        if not block.translated
    ]
    japanese = sum(count for _, count in kept)
    unlabelled = sum(1 for block, count in kept if count and not block.info)
    return Inspection(
        fm.kind or "none", fields, sentences, len(kept), japanese, unlabelled, post.kept
    )


def _unit_sentences(
    unit: ReaderUnit, plan: UnitPlan | None, atoms: tuple[Atom, ...]
) -> list[SentenceInfo]:
    if plan is None:  # a skip comment keeps the block as written
        pieces = segment.split_sentences(unit.text)
        sent: tuple[int | None, ...] = (None,) * len(pieces)
    else:
        pieces, sent = list(plan.pieces), plan.sent
    infos: list[SentenceInfo] = []
    for piece, batch_index in zip(pieces, sent, strict=True):
        if not piece.strip():
            continue
        shown, used = _shown(piece.strip(" \t\n\u3000"), atoms)
        infos.append(SentenceInfo(unit.block, shown, used, batch_index is not None))
    return infos
