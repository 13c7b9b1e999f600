"""The user cache folder and its files: read in bounded time and memory, listed and cleared
without ever touching a file positions did not write. Cache files are written with
safe_write.write_atomic."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

ENV_CACHE = "POSITIONS_CACHE_DIR"


def cache_dir() -> Path:
    """$POSITIONS_CACHE_DIR, else the platform's user cache folder for positions."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("positions", appauthor=False))


# A cache file larger than this is not read (the largest, the embeddings of a 50,000-statement
# corpus, is about 60 MB).
MAX_CACHE_FILE_BYTES = 1024 ** 3


def read_cache_file(path: Path) -> bytes | None:
    """The bytes of a cache file, or None when it cannot be trusted to read in bounded time and
    memory: missing, not a plain file (a named pipe would wait forever, /dev/zero never ends),
    or larger than MAX_CACHE_FILE_BYTES. A cache that is not read is rebuilt."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_FILE_BYTES:
            return None
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            data = fh.read(MAX_CACHE_FILE_BYTES + 1)
        return data if len(data) <= MAX_CACHE_FILE_BYTES else None
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)


# Everything positions writes in the cache folder, and nothing else: clearing and pruning must
# never delete files that are not ours, even when $POSITIONS_CACHE_DIR points at a folder the user
# shares. A file is ours when its name has the exact shape positions gives it AND its content has
# the format positions writes there (checked from the first bytes, or a zip's list of members).
_VERSION = r"[0-9][0-9A-Za-z.+!_-]*"
_PARSED_RE = re.compile(rf"parsed-{_VERSION}\.json")
_EMBEDDINGS_RE = re.compile(rf"embeddings-wordllama-[0-9A-Za-z._+-]+-{_VERSION}\.npz")
_SCORES_RE = re.compile(r"scores-[0-9a-f]{32}-[a-z][a-z0-9-]*--[a-z][a-z0-9-]*\.npz")
_ANSWER_RE = re.compile(r"answer-[0-9a-f]{40}\.out")  # recorded answers of versions that had a replay
_TMP_RE = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")  # write_atomic's temporary files
_PARSED_START = re.compile(rb'\{(?:\}|"[0-9a-f]{64}": ")')
_NPZ_MEMBERS = {"embeddings": {"keys.npy", "vectors.npy"},
                "scores": {"i.npy", "j.npy", "combined.npy", "lexical.npy", "semantic.npy", "topics.npy"}}


def _own_name(name: str) -> str | None:
    """The kind of cache file positions names like this, or None."""
    for kind, pattern in (("parsed", _PARSED_RE), ("embeddings", _EMBEDDINGS_RE), ("scores", _SCORES_RE),
                          ("answer", _ANSWER_RE)):
        if pattern.fullmatch(name):
            return kind
    return None


def is_own_cache_file(path: Path) -> bool:
    """Whether positions wrote this file of its cache folder (name and format), so that it may
    delete it. A link, a folder, a pipe or a file of any other name or format is never ours."""
    import stat
    import zipfile

    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    tmp = _TMP_RE.fullmatch(path.name)
    if tmp:  # a write interrupted half-way: only its name can be checked
        return _own_name(tmp.group("name")) is not None
    kind = _own_name(path.name)
    if kind in (None, "answer"):
        return kind == "answer"
    try:
        if kind == "parsed":
            with open(path, "rb") as fh:
                return bool(_PARSED_START.match(fh.read(80)))
        with zipfile.ZipFile(path) as archive:
            return set(archive.namelist()) == _NPZ_MEMBERS[kind]
    except (OSError, ValueError, zipfile.BadZipFile):
        return False


def cache_files(folder: Path | None = None) -> list[Path]:
    """The cache files positions has written, sorted."""
    folder = folder or cache_dir()
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return []
    return sorted(p for p in entries if is_own_cache_file(p))


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

            raise FilesystemError(f"cannot remove '{path}': {exc.strerror}; remove it by hand") from exc
        removed += 1
        size += n
    with contextlib.suppress(OSError):  # not empty (someone else's files) or already gone
        folder.rmdir()
    return folder, removed, size
