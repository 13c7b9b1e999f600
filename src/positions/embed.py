"""Static sentence embeddings (WordLlama's bundled 256-d model), cached by text hash.

The model ships inside the wordllama wheel; it is loaded from there with downloads disabled, and
only when some text has no cached vector.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wordllama.inference import WordLlamaInference

    from positions.progress import Progress

DIM = 256


def _model_id() -> str:
    """The installed wordllama's version and the model used: part of every embedding's cache key,
    so that another version of the model never serves vectors computed by this one."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("wordllama")
    except PackageNotFoundError:  # e.g. vendored without metadata: still a stable, distinct key
        installed = "unknown"
    return f"wordllama-{installed}-l2_supercat-{DIM}"


MODEL_ID = _model_id()
EMBED_BATCH = 512  # texts per model call: progress is reported between batches
# The embeddings of the shipped statements, built into the package by `python -m positions.seed`.
SEED_EMBEDDINGS_FILE = Path(__file__).resolve().parent / "seed" / "embeddings.npz"


@lru_cache(maxsize=1)
def load_model() -> WordLlamaInference:
    """The WordLlama model, loaded once from the installed wheel (never downloaded)."""
    import wordllama
    from wordllama import WordLlama

    folder = Path(wordllama.__file__).parent
    return WordLlama.load(dim=DIM, cache_dir=folder, disable_download=True)


def embed_uncached(texts: list[str]) -> np.ndarray:
    """Unit vectors, one row per text (float32)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vectors = load_model().embed(texts, norm=True)
    return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def seed_embeddings() -> dict[str, np.ndarray]:
    """Text key -> embedding of the shipped statements (empty when missing or unreadable)."""
    try:
        with np.load(SEED_EMBEDDINGS_FILE, allow_pickle=False) as npz:
            keys, vectors = npz["keys"], npz["vectors"]
    except Exception:  # a damaged seed only costs time
        return {}
    if vectors.ndim != 2 or vectors.shape[1] != DIM or len(keys) != len(vectors):
        return {}
    return {str(k): v for k, v in zip(keys, vectors, strict=True)}


def text_key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\0{text}".encode()).hexdigest()[:32]


class EmbeddingStore:
    """Embeddings of many texts, read from and written back to one cache file."""

    def __init__(self, path: Path | None):
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if path is not None:
            self._read(path)

    def _read(self, path: Path) -> None:
        from positions.cache import read_cache_file

        data = read_cache_file(path)  # a pipe or /dev/zero is not read
        if data is None:
            return
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                keys, vectors = npz["keys"], npz["vectors"]
            if vectors.ndim != 2 or vectors.shape[1] != DIM or len(keys) != len(vectors):
                return
            self._vectors = {str(k): v for k, v in zip(keys, vectors, strict=True)}
        except Exception:  # a missing, stale or corrupt cache is rebuilt, never fatal
            self._vectors = {}

    def embed(self, texts: list[str], progress: Progress | None = None) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}.items())
        if missing and self.path is not None:
            seeded = seed_embeddings()
            found = [(k, t) for k, t in missing if k in seeded]
            for k, _ in found:
                self._vectors[k] = seeded[k]
            if found:
                self._dirty = True
                missing = [(k, t) for k, t in missing if k not in seeded]
        if missing:
            step = progress.step("embedding statements", len(missing)) if progress is not None else None
            for start in range(0, len(missing), EMBED_BATCH):
                batch = missing[start:start + EMBED_BATCH]
                for (k, _), v in zip(batch, embed_uncached([t for _, t in batch]), strict=True):
                    self._vectors[k] = v
                if step is not None:
                    step.advance(len(batch))
            if step is not None:
                step.close()
            self._dirty = True
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self, keep: list[str] | None = None) -> None:
        """Write the cache back if it changed; failures to write are ignored (it is only a cache)."""
        if self.path is None or not self._dirty:
            return
        from positions.safe_write import write_atomic

        items = sorted(self._vectors.items())
        if keep is not None:
            wanted = {text_key(t) for t in keep}
            items = [(k, v) for k, v in items if k in wanted]
        buf = io.BytesIO()
        vectors = np.stack([v for _, v in items]) if items else np.zeros((0, DIM), np.float32)
        np.savez(buf, keys=np.array([k for k, _ in items]), vectors=vectors)
        with contextlib.suppress(OSError):
            write_atomic(self.path, buf.getvalue())
        self._dirty = False
