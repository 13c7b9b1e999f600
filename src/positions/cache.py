"""The user cache folder and atomic, corruption-tolerant cache files."""

from __future__ import annotations

import os
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


# Everything positions writes in the cache folder, and nothing else: clearing must never delete
# files that are not ours, even when $POSITIONS_CACHE_DIR points at a folder the user shares.
CACHE_FILE_PATTERNS = ("parsed-*.json", "embeddings-*.npz", ".parsed-*.tmp", ".embeddings-*.tmp")


def cache_files(folder: Path | None = None) -> list[Path]:
    """The cache files positions has written, sorted."""
    folder = folder or cache_dir()
    if not folder.is_dir():
        return []
    found = {p for pattern in CACHE_FILE_PATTERNS for p in folder.glob(pattern) if p.is_file() and not p.is_symlink()}
    return sorted(found)


def clear_cache() -> tuple[Path, int, int]:
    """Remove positions' cache files; return the folder, how many files and how many bytes went.

    The folder itself is removed only when it is then empty.
    """
    folder = cache_dir()
    removed = size = 0
    for path in cache_files(folder):
        try:
            n = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            from positions.errors import FilesystemError

            raise FilesystemError(f"cannot remove '{path}': {exc.strerror}; remove it by hand")
        removed += 1
        size += n
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (someone else's files) or already gone
    return folder, removed, size


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
