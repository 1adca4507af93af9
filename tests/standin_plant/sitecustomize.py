"""Loaded by Python at start-up when this folder is on PYTHONPATH (the generated-site test puts it
there): with HONYAKU_TEST_STANDIN set, the pseudo backend answers like a misbehaving model.

`mixed` gives each sentence one of the misbehaving stand-ins of `tests.standins` (chosen by the
sentence's hash, so a rerun answers the same); a stand-in's class name gives that one alone. Its
outputs count as English (length and loop checks apply), and its identity differs from pseudo's.
honyaku has no switch for any of this: a test translator stays out of the product.
"""

import hashlib
import os

_NAME = os.environ.get("HONYAKU_TEST_STANDIN")

if _NAME:
    from pipeline.backends import lazy, pseudo
    from tests import standins

    _BY_NAME = {cls.__name__: cls() for cls in standins.MISBEHAVING}

    def _answer(self: object, sentence: str) -> str:
        if _NAME != "mixed":
            return _BY_NAME[_NAME].one(sentence)
        pick = hashlib.sha256(sentence.encode("utf-8")).digest()[0] % len(standins.MISBEHAVING)
        return _BY_NAME[standins.MISBEHAVING[pick].__name__].one(sentence)

    pseudo.PseudoBackend._mark = _answer
    pseudo.PseudoBackend.identity = f"standin|{_NAME}"
    lazy.LazyBackend.english = property(lambda self: True)
