"""The user cache folder and atomic, corruption-tolerant cache files."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from positions.errors import printable

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

            raise FilesystemError(f"cannot remove '{path}': {exc.strerror}; remove it by hand")
        removed += 1
        size += n
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (someone else's files) or already gone
    return folder, removed, size


def write_output(path: Path, text: str | bytes, example: str = "report.md") -> Path:
    """Write a report or export (text as UTF-8, or bytes) atomically; FilesystemError with a plain
    message when it cannot. `example` is the file name suggested when the path will not do.

    A link is written through (like a shell redirect), a pipe or device such as /dev/stdout is
    written to directly, and a file of a corpus (topics.yaml, links.yaml, sources/*.yaml,
    schema/*.json) is never overwritten: RefusedError.
    """
    from positions.errors import FilesystemError, RefusedError

    shown = printable(str(path))
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.exists() and not path.is_file() and not path.is_dir():  # /dev/stdout, /dev/null, a named pipe
        try:
            # Without blocking: a named pipe that no program reads would otherwise wait forever.
            fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise FilesystemError(f"cannot write '{shown}': it is a named pipe that no program is reading; "
                                      "start the reader first, or give a file name")
            raise FilesystemError(f"cannot write '{shown}': {exc.strerror or exc}")
        try:
            os.set_blocking(fd, True)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise FilesystemError(f"cannot write '{shown}': {exc.strerror or exc}")
        return path
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.is_dir():
        raise FilesystemError(f"cannot write '{shown}': it is a folder; give a file name, e.g. {shown}/{example}")
    if not target.parent.is_dir():
        folder = printable(str(target.parent))
        if target.parent.exists():
            raise FilesystemError(f"cannot write '{shown}': '{folder}' is a file, not a folder")
        raise FilesystemError(f"cannot write '{shown}': the folder '{folder}' does not exist; create it first")
    what = corpus_file_kind(target)
    if what:
        raise RefusedError(
            f"refusing to write '{shown}': it {'is' if target.exists() else 'would be'} {what} of a corpus; "
            f"give another file name, e.g. {example}")
    write_reporting(target, data, shown, "; choose another folder")
    return path


def write_reporting(path: Path, data: bytes, shown: str, permission_hint: str = "") -> None:
    """write_atomic, with a failure raised as a FilesystemError that names `shown`."""
    from positions.errors import FilesystemError

    try:
        write_atomic(path, data)
    except PermissionError:
        raise FilesystemError(f"cannot write '{shown}': permission denied{permission_hint}")
    except OSError as exc:
        raise FilesystemError(f"cannot write '{shown}': {exc.strerror or exc}")


def corpus_file_kind(path: Path) -> str | None:
    """'the topics file', 'a source file', ... when `path` is (or would be) a file a corpus is read
    from; None otherwise. A corpus folder is one holding topics.yaml or a sources/ folder."""
    try:
        folder = path.parent.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None
    # Names are compared ignoring letter case: on the default file systems of macOS and Windows,
    # sources/ALLIANCE.YAML is sources/alliance.yaml.
    name = path.name.lower()
    suffix = path.suffix.lower()

    def is_corpus(d: Path) -> bool:
        return (d / "topics.yaml").is_file() or (d / "sources").is_dir() or _has_entry(d, ("topics.yaml", "sources"))

    if name in ("topics.yaml", "links.yaml") and (is_corpus(folder) or (folder / path.name).exists()):
        return "the topics file" if name == "topics.yaml" else "the reviewed-links file"
    if folder.name.lower() == "sources" and suffix in (".yaml", ".yml") and (
            is_corpus(folder.parent) or (folder / path.name).exists()):
        return "a source file"
    if folder.name.lower() == "schema" and suffix == ".json" and is_corpus(folder.parent):
        return "a schema file"
    return None


def _has_entry(folder: Path, names: tuple[str, ...]) -> bool:
    """Whether the folder holds one of these names in any letter case."""
    try:
        return any(entry.lower() in names for entry in os.listdir(folder))
    except OSError:
        return False
