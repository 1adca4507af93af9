"""The last guard of the command line: bad input is answered by one line where it is found, so
an exception that gets this far is a bug in honyaku. Only then is a traceback printed, with a
line asking to report it."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_BUG = 70  # EX_SOFTWARE: an internal error


@contextmanager
def reporting_bugs() -> Iterator[None]:
    try:
        yield
    except SystemExit:
        raise
    except KeyboardInterrupt:  # outside a command's own handling (while starting up, say)
        print("honyaku: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # `honyaku ... | head`: the reader left, nothing to say
        sys.exit(141)
    except Exception:
        traceback.print_exc()
        print(
            "honyaku: internal error: this is a bug in honyaku, not a problem with your files; "
            "please report it with the lines above and the command you ran",
            file=sys.stderr,
        )
        sys.exit(EXIT_BUG)
