"""honyaku: translate Japanese Hugo posts into English, keeping everything but prose intact."""

__version__ = "0.1.0"

from pipeline.api import PostReport, translate_markdown, translate_post  # noqa: E402

__all__ = ["PostReport", "__version__", "translate_markdown", "translate_post"]
