"""Writing files safely: atomic replacement, locks, and refusing to overwrite a corpus by mistake.

* `write_atomic` writes through a temporary file in the same folder (flush, fsync, `os.replace`):
  a crash leaves the old file or the new one, never half of one.
* `Locked` holds `<file>.lock`, so that concurrent writers (two `positions add` runs) take turns;
  the file is read, changed and written while the lock is held.
* `write_output` writes a report or export where the user asked, and refuses to overwrite a file
  that a corpus is read from (`corpus_file_kind`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from positions.errors import FilesystemError, RefusedError, UsageError, display_path, printable

if TYPE_CHECKING:
    from filelock import BaseFileLock

LOCK_TIMEOUT = 30.0
ENV_LOCK_TIMEOUT = "POSITIONS_LOCK_TIMEOUT"


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
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_output(path: Path, text: str | bytes, example: str = "report.md") -> Path:
    """Write a report or export (text as UTF-8, or bytes) atomically; FilesystemError with a plain
    message when it cannot. `example` is the file name suggested when the path will not do.

    A link is written through (like a shell redirect), a pipe or device such as /dev/stdout is
    written to directly, and a file of a corpus (topics.yaml, links.yaml, sources/*.yaml,
    schema/*.json) is never overwritten: RefusedError.
    """
    shown = printable(str(path))
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.exists() and not path.is_file() and not path.is_dir():  # /dev/stdout, /dev/null, a named pipe
        try:
            # Without blocking: a named pipe that no program reads would otherwise wait forever.
            fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise FilesystemError(f"cannot write '{shown}': it is a named pipe that no program is reading; "
                                      "start the reader first, or give a file name") from exc
            raise FilesystemError(f"cannot write '{shown}': {exc.strerror or exc}") from exc
        try:
            os.set_blocking(fd, True)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise FilesystemError(f"cannot write '{shown}': {exc.strerror or exc}") from exc
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
    try:
        write_atomic(path, data)
    except PermissionError:
        raise FilesystemError(f"cannot write '{shown}': permission denied{permission_hint}") from None
    except OSError as exc:
        raise FilesystemError(f"cannot write '{shown}': {exc.strerror or exc}") from exc


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


def lock_timeout() -> float:
    """Seconds to wait for a lock: $POSITIONS_LOCK_TIMEOUT, else LOCK_TIMEOUT."""
    raw = os.environ.get(ENV_LOCK_TIMEOUT)
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            raise UsageError(f"{ENV_LOCK_TIMEOUT}='{raw}' is not a number of seconds") from None
    return LOCK_TIMEOUT


class Locked:
    """Context manager: hold `<path>.lock`, turning lock failures into FilesystemError (`timeout`
    in seconds; None: $POSITIONS_LOCK_TIMEOUT, else LOCK_TIMEOUT)."""

    def __init__(self, path: Path, timeout: float | None):
        self.path = path
        self.timeout = lock_timeout() if timeout is None else timeout
        self.lock_path = path.with_name(path.name + ".lock")
        self._lock: BaseFileLock | None = None

    def __enter__(self) -> Locked:
        from filelock import FileLock, Timeout

        check_writable_folder(self.path.parent)
        self._lock = FileLock(str(self.lock_path), timeout=self.timeout)
        try:
            self._lock.acquire()
        except Timeout:
            raise FilesystemError(
                f"cannot write '{display_path(self.path)}': another positions command has held its "
                f"lock ({display_path(self.lock_path)}) for over {self.timeout:g} s; wait for it to "
                f"finish and retry (set {ENV_LOCK_TIMEOUT} to wait longer)"
            ) from None
        except PermissionError:
            raise FilesystemError(
                f"cannot write '{display_path(self.path)}': permission denied creating the lock "
                f"file {display_path(self.lock_path)}; make the folder writable"
            ) from None
        except OSError as exc:
            raise FilesystemError(
                f"cannot lock '{display_path(self.path)}': {exc.strerror or exc}"
            ) from exc
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._lock is not None:
            self._lock.release()


def write_target(path: Path) -> Path:
    """The file a write to `path` changes: through a link (one inside the corpus, as the loader
    allows) to its target, so that the link stays a link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_writable_folder(folder: Path) -> None:
    """FilesystemError unless the folder exists and may be written in."""
    if not folder.is_dir():
        raise FilesystemError(f"cannot write in '{display_path(folder)}': the folder does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FilesystemError(
            f"cannot write in '{display_path(folder)}': the folder is read-only (permission "
            "denied); make it writable or use a copy ('positions init DIR')"
        )


def check_writable_file(path: Path) -> None:
    """FilesystemError when the file exists and is read-only."""
    # os.replace would succeed on a read-only file in a writable folder: respect the file's mode.
    if path.exists() and not os.access(path, os.W_OK):
        raise FilesystemError(
            f"cannot write '{display_path(path)}': the file is read-only (permission denied); "
            "make it writable (chmod u+w) and retry"
        )


def write_file(path: Path, data: bytes) -> None:
    """write_atomic a file of a corpus, with a failure raised as a FilesystemError naming it."""
    write_reporting(path, data, display_path(path))
