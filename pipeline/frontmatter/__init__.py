"""Lossless front matter: cut it off the body, read the reader-text fields, splice in new values.

Hugo front matter is YAML between ``---`` lines, TOML between ``+++`` lines, or a JSON object at
the very start of the file. Re-dumping any of them loses what the author wrote, so this package
never re-serialises: it finds each value's span in the raw text, replaces just that span with the
new value quoted for its format, and re-parses the result to check that exactly the edited values
changed and nothing else.

Modules: ``model`` (the types, the error), ``split`` (cutting and parsing), ``yaml_spans`` /
``toml_spans`` / ``json_spans`` (where each value lies, per format, with ruamel.yaml, tomlkit and
``json.JSONDecoder.raw_decode``), ``yaml_quote`` (YAML quoting styles), ``reading`` (reader
fields, lookups), ``editing`` (splice, add a key).
"""

# Besides the public API, three internals the tests reach through the package: the renderer
# (``splice`` looks it up here, so a bug planted in it must be caught), the located values and
# the lookup they are checked against.
from pipeline.frontmatter.editing import add_key, splice
from pipeline.frontmatter.editing import render as _render  # noqa: F401
from pipeline.frontmatter.model import Field, FrontMatter, FrontMatterError
from pipeline.frontmatter.reading import has_key, prefix_urls, reader_fields, string_value
from pipeline.frontmatter.reading import lookup as _lookup  # noqa: F401
from pipeline.frontmatter.reading import scalars as _scalars  # noqa: F401
from pipeline.frontmatter.split import split_front_matter

__all__ = [
    "Field",
    "FrontMatter",
    "FrontMatterError",
    "add_key",
    "has_key",
    "prefix_urls",
    "reader_fields",
    "splice",
    "split_front_matter",
    "string_value",
]
