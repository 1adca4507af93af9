"""Fixtures shared by every test module: the trained Marian models (built once, cached)."""

from tests.marian_fixture import (  # noqa: F401 - re-exported as pytest fixtures
    marian_model_dir,
    single_thread_torch,
    tiny_limit_model_dir,
)
