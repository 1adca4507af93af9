"""Tokenizer stage: Japanese prose -> sentences -> clauses, plus morphological analysis.

Sentence splitting (`sentences`) is pure rules and needs no tagger; clause splitting (`clauses`)
and analysis (`analysis`) use a fugashi ``Tagger`` (unidic-lite) that the orchestrator creates
once and passes in. `trailers` knows the laughter, emoticons and emoji that end a sentence, and
`marks` the character classes the splitters share.

Every function that cuts text returns pieces that concatenate back to the input exactly.

Input conventions (set by the orchestrator): protected inline atoms (inline code, link targets,
URLs, shortcodes, math, HTML tags) arrive as single Private Use Area characters U+E000..U+F8FF and
are treated as opaque word characters; soft line breaks inside a paragraph arrive as ``"\\n"``.
"""

from pipeline.segment.analysis import Morpheme, analyze, content_lemmas, make_tagger
from pipeline.segment.clauses import DEFAULT_CLAUSE_BUDGET, split_clauses
from pipeline.segment.sentences import has_japanese, needs_translation, split_sentences

__all__ = [
    "DEFAULT_CLAUSE_BUDGET",
    "Morpheme",
    "analyze",
    "content_lemmas",
    "has_japanese",
    "make_tagger",
    "needs_translation",
    "split_clauses",
    "split_sentences",
]
