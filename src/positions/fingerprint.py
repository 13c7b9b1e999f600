"""A fingerprint of the installed code: positions' own modules and the dependencies whose version
can change a score, so that a cache keyed by it is never read by other code (an upgrade, or an
edit to an editable install)."""

from __future__ import annotations

import sys
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path

# Packages whose version can change what is computed or printed (scores, tables).
DEPENDENCIES = ("typer", "rich", "pydantic", "rapidfuzz", "numpy", "wordllama", "Stemmer")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Names, sizes and modification times of positions' own modules and of the main dependencies."""
    from importlib.util import find_spec

    from positions import __version__

    entries = [__version__, sys.version]
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        entries.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
    for name in DEPENDENCIES:
        try:
            spec = find_spec(name)
            origin = Path(spec.origin) if spec and spec.origin else None
            found = origin.stat() if origin else None
            entries.append(f"{name}:{origin}:{found.st_size if found else ''}:{found.st_mtime_ns if found else ''}")
        except (ImportError, ValueError, OSError):
            entries.append(f"{name}:absent")
    return blake2b("\n".join(entries).encode(), digest_size=32).hexdigest()
