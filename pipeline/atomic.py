"""Writing a file so that readers see the old one or the whole new one, never half.

The one helper every writer of a finished file uses (the runner's cache entries
and part files, the exports, the report). It imports nothing from parley, so any
module may use it.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def atomic_write(path: Path | str, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(temporary_path)`` and rename it into place.

    The temporary file sits in the same folder (so the rename is atomic), gets the
    permissions an ordinary new file would (not ``mkstemp``'s private ones), and is
    removed if writing fails.
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
