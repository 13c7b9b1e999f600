"""Caches of the shipped corpus built into the package, so that the first run after installing
needs neither YAML parsing nor the embedding model for it.

The entries use the same content-hash keys as the user cache (corpus.ParsedFiles,
embed.EmbeddingStore), so an edited file or statement simply misses and is parsed or embedded as
usual: a seed can make a run slower when stale, never wrong. tests/test_seed.py fails when the
seed no longer covers data/; rebuild it with

    python -m positions.seed
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "seed"
PARSED_FILE = SEED_DIR / "parsed.json"
EMBEDDINGS_FILE = SEED_DIR / "embeddings.npz"


@lru_cache(maxsize=1)
def parsed_entries() -> dict[str, str]:
    """Key -> validated JSON of the shipped corpus files (empty when missing or from another version)."""
    from positions import __version__

    try:
        seed = json.loads(PARSED_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(seed, dict) or seed.get("version") != __version__ or not isinstance(seed.get("entries"), dict):
        return {}
    return {k: v for k, v in seed["entries"].items() if isinstance(v, str)}


@lru_cache(maxsize=1)
def embedding_entries() -> dict:
    """Text key -> embedding of the shipped statements (empty when missing or unreadable)."""
    import numpy as np

    from positions.embed import DIM

    try:
        with np.load(EMBEDDINGS_FILE, allow_pickle=False) as npz:
            keys, vectors = npz["keys"], npz["vectors"]
    except Exception:  # a damaged seed only costs time
        return {}
    if vectors.ndim != 2 or vectors.shape[1] != DIM or len(keys) != len(vectors):
        return {}
    return {str(k): v for k, v in zip(keys, vectors)}


def build(data_dir: Path) -> tuple[dict, list[tuple[str, "object"]]]:
    """The seed entries for a corpus folder: parsed files and statement embeddings."""
    from positions import __version__
    from positions.corpus import ParsedFiles, load_corpus
    from positions.embed import embed_uncached, text_key
    from positions.text import Normaliser

    class Recording(ParsedFiles):
        def __init__(self):
            super().__init__(enabled=False)
            self.path = Path("unused")  # enabled, but never read from or saved
            self.seeded = {}

        def get(self, model, text):
            return None

        def put(self, model, text, parsed):
            self.seeded[self.key(model, text)] = parsed.model_dump_json()

        def save(self):
            pass

    recorder = Recording()
    corpus = load_corpus(data_dir, parsed_files=recorder)
    normaliser = Normaliser(corpus.topics)
    texts = sorted({normaliser.expand(r.text) for r in corpus.statements()})
    vectors = embed_uncached(texts)
    parsed = {"version": __version__, "entries": dict(sorted(recorder.seeded.items()))}
    return parsed, [(text_key(t), v) for t, v in zip(texts, vectors)]


def write(data_dir: Path) -> None:
    import io

    import numpy as np

    from positions.safe_write import write_atomic
    from positions.embed import DIM

    parsed, embeddings = build(data_dir)
    embeddings.sort(key=lambda kv: kv[0])
    buf = io.BytesIO()
    np.savez_compressed(buf, keys=np.array([k for k, _ in embeddings]),
                        vectors=np.stack([v for _, v in embeddings]) if embeddings else np.zeros((0, DIM), np.float32))
    write_atomic(PARSED_FILE, (json.dumps(parsed, indent=0, sort_keys=True) + "\n").encode("utf-8"))
    write_atomic(EMBEDDINGS_FILE, buf.getvalue())


if __name__ == "__main__":
    from positions.corpus import find_data_dir

    folder = find_data_dir(None).path
    write(folder)
    print(f"seeded {PARSED_FILE.parent} from {folder}")
