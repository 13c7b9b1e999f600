"""Replaying what a read-only command printed, when nothing it depends on has changed.

`positions compare alliance moj` prints the same bytes for the same corpus files, arguments,
environment, terminal and installed code. The first run records its standard output under a key
made of all of those; a later run with the same key prints the recording without starting the
command-line framework, the matcher or the embedding model. The corpus files are hashed on every
run (not trusted by date), so an edited statement is always seen. Only successful runs that wrote
nothing to standard error are recorded, and never with --no-cache, --output or --help.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

try:  # the C module behind hashlib.blake2b, without hashlib's OpenSSL load (~10 ms a run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python builds
    from hashlib import blake2b

CACHEABLE_COMMANDS = frozenset({"sources", "show", "topics", "matrix", "compare", "search", "suggest", "gaps", "report"})
# Besides arguments and corpus files, what can change the bytes a command prints (rich reads the
# terminal and colour variables; locale variables can change the output encoding).
ENV_KEYS = (
    "POSITIONS_DATA", "COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR",
    "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR", "CLICOLOR_FORCE", "TERMINAL_WIDTH",
    "JUPYTER_COLUMNS", "JUPYTER_LINES", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8",
)
# Packages whose version can change what is printed (scores, tables).
DEPENDENCIES = ("typer", "rich", "pydantic", "rapidfuzz", "numpy", "wordllama", "Stemmer")
PREFIX = "answer-"
MAX_ANSWER_BYTES = 5_000_000
MAX_ANSWERS = 200


@dataclass(frozen=True)
class Request:
    """A cacheable run: its key, and the corpus fingerprint it was made with."""

    key: str
    folder: Path
    corpus: str

    @property
    def path(self) -> Path:
        from positions.cache import cache_dir

        return cache_dir() / f"{PREFIX}{self.key}.out"

    def replay(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except OSError:
            return None

    def store(self, output: bytes) -> None:
        """Record the output if the corpus is still what it was when the run started."""
        if len(output) > MAX_ANSWER_BYTES or corpus_fingerprint(self.folder) != self.corpus:
            return
        from positions.cache import write_atomic

        try:
            write_atomic(self.path, output)
            _prune(self.path.parent)
        except OSError:
            pass  # it is only a cache


def plan(argv: list[str]) -> Request | None:
    """The request for these arguments, or None when the run must not be replayed or recorded."""
    data = None
    rest = list(argv)
    while rest and rest[0].startswith("-"):
        opt = rest.pop(0)
        if opt == "--data" and rest:
            data = rest.pop(0)
        elif opt.startswith("--data="):
            data = opt.split("=", 1)[1]
        else:
            return None  # --no-cache, --help, anything unexpected
    if not rest or rest[0] not in CACHEABLE_COMMANDS:
        return None
    for arg in rest[1:]:
        if arg in ("--help", "-h", "--") or arg.startswith("--output") or (arg.startswith("-o") and not arg.startswith("--")):
            return None
    try:
        from positions.corpus import find_data_dir

        folder = find_data_dir(data).path.resolve()
        corpus = corpus_fingerprint(folder)
    except Exception:  # any problem is for the real run to report
        return None
    material = {
        "argv": argv,
        "cwd": os.getcwd(),
        "env": {k: os.environ.get(k) for k in ENV_KEYS},
        "terminal": _terminal(),
        "code": code_fingerprint(),
        "data": str(folder),
        "corpus": corpus,
    }
    key = blake2b(json.dumps(material, sort_keys=True).encode(), digest_size=20).hexdigest()
    return Request(key, folder, corpus)


def _terminal() -> list:
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        return [False]
    if not tty:
        return [False]
    try:
        size = os.get_terminal_size(sys.stdout.fileno())
        return [True, size.columns, size.lines]
    except (OSError, ValueError):
        return [True]


def corpus_fingerprint(folder: Path) -> str:
    """Hash of the contents of every file the loader reads."""
    from positions.corpus import LINKS_FILE, TOPICS_FILE, source_files

    digest = blake2b(digest_size=32)
    for path in [folder / TOPICS_FILE, folder / LINKS_FILE, *source_files(folder)]:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except FileNotFoundError:
            digest.update(b"\0missing")
        digest.update(b"\0")
    return digest.hexdigest()


def code_fingerprint() -> str:
    """Names, sizes and modification times of positions' own modules and of the main dependencies,
    so that an upgrade (or an edit to an editable install) never replays old output."""
    from importlib.util import find_spec

    from positions import __version__

    entries = [__version__, sys.version]
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), *package.glob("weights/*.json")]):  # code and fitted weights
        st = path.stat()
        entries.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
    for name in DEPENDENCIES:
        try:
            spec = find_spec(name)
            origin = Path(spec.origin) if spec and spec.origin else None
            st = origin.stat() if origin else None
            entries.append(f"{name}:{origin}:{st.st_size if st else ''}:{st.st_mtime_ns if st else ''}")
        except (ImportError, ValueError, OSError):
            entries.append(f"{name}:absent")
    return blake2b("\n".join(entries).encode(), digest_size=32).hexdigest()


def _prune(folder: Path) -> None:
    answers = sorted(folder.glob(f"{PREFIX}*.out"), key=lambda p: p.stat().st_mtime_ns)
    for old in answers[:-MAX_ANSWERS]:
        try:
            old.unlink()
        except OSError:
            pass


class _Recorder:
    """Standard output that also keeps what was written (text and bytes, in order)."""

    def __init__(self, stream):
        self._stream = stream
        self.parts: list[bytes] = []
        self.encoding = getattr(stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        self.parts.append(text.encode(self.encoding, errors="replace"))
        return self._stream.write(text)

    @property
    def buffer(self):
        return _BytesRecorder(self._stream.buffer, self.parts)

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _BytesRecorder:
    def __init__(self, stream, parts: list[bytes]):
        self._stream, self._parts = stream, parts

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return self._stream.write(data)

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _Counter:
    """Standard error that notes whether anything was written to it."""

    def __init__(self, stream):
        self._stream = stream
        self.written = False

    def write(self, text: str) -> int:
        if text:
            self.written = True
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def run_recorded(request: Request, run) -> None:
    """Call `run()` (the command line, which exits via SystemExit) and record its output if it
    succeeded without writing to standard error."""
    out, err = _Recorder(sys.stdout), _Counter(sys.stderr)
    sys.stdout, sys.stderr = out, err
    code: object = 0
    try:
        run()
    except SystemExit as exc:
        code = exc.code
        raise
    finally:
        sys.stdout, sys.stderr = out._stream, err._stream
        if code in (0, None) and not err.written and sys.exc_info()[0] in (None, SystemExit):
            try:
                sys.stdout.flush()
            except (OSError, ValueError):
                pass
            request.store(b"".join(out.parts))
