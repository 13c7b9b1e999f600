"""The user cache folder and atomic, corruption-tolerant cache files."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ENV_CACHE = "POSITIONS_CACHE_DIR"


def cache_dir() -> Path:
    """$POSITIONS_CACHE_DIR, else the platform's user cache folder for positions."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("positions", appauthor=False))


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777  # keep the permissions of the file we replace
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # what a plain open() would have created
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def clear_cache() -> tuple[Path, int]:
    """Remove the cache folder; return it and how many files it held."""
    folder = cache_dir()
    if not folder.exists():
        return folder, 0
    count = sum(1 for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(folder, ignore_errors=True)
    return folder, count


def write_output(path: Path, text: str) -> Path:
    """Write a report or export atomically; FilesystemError with a plain message when it cannot."""
    from positions.errors import FilesystemError

    if not path.parent.exists():
        raise FilesystemError(f"cannot write '{path}': the folder '{path.parent}' does not exist; create it first")
    if path.is_dir():
        raise FilesystemError(f"cannot write '{path}': it is a folder; give a file name")
    try:
        write_atomic(path, text.encode("utf-8"))
    except PermissionError:
        raise FilesystemError(f"cannot write '{path}': permission denied; choose another folder")
    except OSError as exc:
        raise FilesystemError(f"cannot write '{path}': {exc.strerror}")
    return path
