"""Building the caches of the shipped corpus that are built into the package (positions/seed/),
so that the first run after installing needs neither YAML parsing nor the embedding model for it.

The entries use the same content-hash keys as the user cache (corpus.ParsedFiles,
embed.EmbeddingStore), which read them (corpus.seed_parsed_entries, embed.seed_embeddings), so an
edited file or statement simply misses and is parsed or embedded as usual: a seed can make a run
slower when stale, never wrong. tests/test_seed.py fails when the seed no longer covers data/;
rebuild it with

    python -m positions.seed
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from pydantic import BaseModel

from positions.corpus import SEED_PARSED_FILE as PARSED_FILE
from positions.embed import SEED_EMBEDDINGS_FILE as EMBEDDINGS_FILE


def build(data_dir: Path) -> tuple[dict[str, Any], list[tuple[str, np.ndarray]]]:
    """The seed entries for a corpus folder: parsed files and statement embeddings."""
    from positions import __version__
    from positions.corpus import M, ParsedFiles, load_corpus
    from positions.embed import embed_uncached, text_key
    from positions.text import Normaliser

    class Recording(ParsedFiles):
        def __init__(self) -> None:
            super().__init__(enabled=False)
            self.path = Path("unused")  # enabled, but never read from or saved
            self.seeded: dict[str, str] = {}

        def get(self, model: type[M], text: str) -> M | None:
            return None

        def put(self, model: type[BaseModel], text: str, parsed: BaseModel) -> None:
            self.seeded[self.key(model, text)] = parsed.model_dump_json()

        def save(self) -> None:
            pass

    recorder = Recording()
    corpus = load_corpus(data_dir, parsed_files=recorder)
    normaliser = Normaliser(corpus.topics)
    texts = sorted({normaliser.expand(r.text) for r in corpus.statements()})
    vectors = embed_uncached(texts)
    parsed = {"version": __version__, "entries": dict(sorted(recorder.seeded.items()))}
    return parsed, [(text_key(t), v) for t, v in zip(texts, vectors, strict=True)]


def write(data_dir: Path) -> None:
    import io

    import numpy as np

    from positions.embed import DIM
    from positions.safe_write import write_atomic

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
