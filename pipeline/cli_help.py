"""The help the CLI shows: its rules (opt-outs, the lock, exit codes) and one example per
command. Kept apart from the commands so `honyaku --help` and the README say the same."""

from __future__ import annotations

RULES = (
    "Opt-outs: `notranslate: true` in a post's front matter skips the post; a line "
    "`<!-- honyaku: skip -->` keeps the block after it as written.\n\n"
    "The lock: honyaku.lock at the site root records what honyaku wrote, block by block, so a "
    "re-run translates only what changed. Your edits to an English page are kept, also when "
    "its Japanese changes (only the changed blocks are translated again); a page honyaku "
    "never wrote is never replaced unless asked (--replace-hand-written). Commit it with the "
    "site.\n\n"
    "Exit codes: 0 all done; 1 some posts failed, with --strict some were only partly "
    "translated, or with --check an English copy is missing or out of date; 2 bad input, a "
    "bad option or a missing model; 3 another run holds the site lock (--no-wait); 70 a bug "
    "in honyaku (please report it); 130/143/129 stopped by Ctrl-C/SIGTERM/SIGHUP."
)

APP = (
    "Translate a Japanese Hugo blog into English with a local MarianMT model, losslessly: "
    "code, links, shortcodes and front matter come through unchanged.\n\n" + RULES
)


def example(*lines: str) -> str:
    """A command's epilog: its example(s)."""
    return "Example: " + "  |  ".join(lines)


EXAMPLES = {
    "translate": example("honyaku translate content/ja/post/hello/index.md --stdout"),
    "batch": example("honyaku batch content/ja --dry-run")
    + "\n\nThe report ends with what the site config shows untranslated (file and key); "
    "honyaku never edits the config.",
    "inspect": example("honyaku inspect content/ja/post/hello/index.md"),
    "review": example("honyaku review content/ja -o review.html"),
    "models convert": example("honyaku models convert Helsinki-NLP/opus-mt-ja-en"),
    "models list": example("honyaku models list --json"),
    "models download": example("honyaku models download opus-mt-ja-en"),
    "version": example("honyaku version  (or honyaku --version)"),
}
