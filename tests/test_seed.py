"""The caches of the shipped corpus built into the package (positions.seed): current, exact, used.

When a test here fails after an edit to data/, rebuild the seed: python -m positions.seed
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from conftest import SHIPPED_DATA
from positions.corpus import ParsedFiles, load_corpus, seed_parsed_entries, source_files
from positions.embed import embed_uncached, seed_embeddings, text_key
from positions.models import SourceFile, TopicsFile
from positions.text import Normaliser
from positions.yamlio import load_yaml, read_text

REBUILD = "the seed is out of date; rebuild it with: python -m positions.seed"


def test_seed_holds_every_shipped_file_as_parsed_now():
    seeded = seed_parsed_entries()
    files = [(SHIPPED_DATA / "topics.yaml", TopicsFile)] + [(p, SourceFile) for p in source_files(SHIPPED_DATA)]
    for path, model in files:
        text = read_text(path)
        key = ParsedFiles.key(model, text)
        assert key in seeded, f"{path.name}: {REBUILD}"
        fresh = model.model_validate(load_yaml(path, text)).model_dump_json()
        assert seeded[key] == fresh, f"{path.name}: {REBUILD}"


def test_seed_holds_the_embedding_of_every_shipped_statement():
    corpus = load_corpus(SHIPPED_DATA)
    normaliser = Normaliser(corpus.topics)
    texts = sorted({normaliser.expand(r.text) for r in corpus.statements()})
    seeded = seed_embeddings()
    missing = [t for t in texts if text_key(t) not in seeded]
    assert not missing, f"{len(missing)} statements not seeded; {REBUILD}"
    fresh = embed_uncached(texts)
    assert np.array_equal(np.stack([seeded[text_key(t)] for t in texts]), fresh)


def test_first_run_uses_the_seed_and_prints_what_an_uncached_run_prints(tmp_path):
    env = {**os.environ, "POSITIONS_CACHE_DIR": str(tmp_path / "fresh"), "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("POSITIONS_DATA", None)
    probe = ("import sys; sys.argv = ['positions', 'compare', 'alliance', 'moj', '--format', 'json']\n"
             "from positions.cli import app\n"
             "try:\n    app(prog_name='positions')\nexcept SystemExit:\n    pass\n"
             "import positions.embed as e; print('MODEL LOADED', e.load_model.cache_info().currsize, file=sys.stderr)")
    seeded = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=env, timeout=120, cwd=tmp_path)
    assert b"MODEL LOADED 0" in seeded.stderr, seeded.stderr
    plain = subprocess.run([sys.executable, "-m", "positions", "--no-cache", "compare", "alliance", "moj", "--format", "json"],
                           capture_output=True, env=env, timeout=120, cwd=tmp_path)
    assert plain.returncode == 0
    assert seeded.stdout == plain.stdout


def test_shipped_topics_with_a_new_source_load_from_an_empty_cache(tmp_path, monkeypatch):
    # the seeded topics.yaml and an unseeded source in one load; the cache is then saved
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "corpus"
    (root / "sources").mkdir(parents=True)
    (root / "topics.yaml").write_bytes((SHIPPED_DATA / "topics.yaml").read_bytes())
    (root / "sources" / "new.yaml").write_text("name: New\nstatements:\n  - id: one\n    text: A new statement.\n")
    assert [s.key for s in load_corpus(root, use_cache=True).sources] == ["new"]
    assert len(load_corpus(root, use_cache=True).topics) == len(load_corpus(SHIPPED_DATA).topics)
    assert (tmp_path / "cache").is_dir()
