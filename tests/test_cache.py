"""The cache folder: `positions cache info|clear`, what clearing may touch, and progress reporting."""

from __future__ import annotations

import json

import numpy as np

from positions.cache import cache_files, clear_cache
from positions.corpus import load_corpus
from positions.embed import EmbeddingStore
from positions.match import Matcher, compare_sources


def _fill(folder):
    """Files as positions writes them, and others' files with the same kinds of names."""
    import io

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "parsed-0.1.0.json").write_text(json.dumps({"0" * 64: "{}"}))
    buf = io.BytesIO()
    np.savez(buf, keys=np.array(["k"]), vectors=np.zeros((1, 256), np.float32))
    (folder / "embeddings-wordllama-0.4.0.post1-l2_supercat-256-0.1.0.npz").write_bytes(buf.getvalue())
    (folder / ".parsed-0.1.0.json.abc_1234.tmp").write_text("left by a crash")
    (folder / "notes.txt").write_text("not ours")
    (folder / "parsed-keep").mkdir()
    return sum((folder / name).stat().st_size for name in (
        "parsed-0.1.0.json", "embeddings-wordllama-0.4.0.post1-l2_supercat-256-0.1.0.npz", ".parsed-0.1.0.json.abc_1234.tmp"))


def test_clear_removes_only_our_files(tmp_path, monkeypatch):
    folder = tmp_path / "shared-folder"
    size = _fill(folder)
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(folder))
    assert [p.name for p in cache_files()] == [".parsed-0.1.0.json.abc_1234.tmp",
                                               "embeddings-wordllama-0.4.0.post1-l2_supercat-256-0.1.0.npz",
                                               "parsed-0.1.0.json"]
    got_folder, removed, got_size = clear_cache()
    assert (got_folder, removed) == (folder, 3)
    assert got_size == size
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "parsed-keep"]


def test_clear_removes_the_folder_when_it_empties(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "parsed-0.1.0.json").write_text("{}")
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(folder))
    assert clear_cache()[1] == 1
    assert not folder.exists()
    assert clear_cache()[1] == 0  # a missing folder is fine


def test_cache_commands(invoke, corpus_dir, tmp_path):
    folder = tmp_path / "c"
    env = {"POSITIONS_CACHE_DIR": str(folder), "POSITIONS_DATA": str(corpus_dir)}
    assert invoke("compare", "alliance", "moj", env=env).exit_code == 0
    info = invoke("cache", "info", "--format", "json", env=env)
    assert info.exit_code == 0, info.output
    listed = json.loads(info.stdout)
    assert listed["folder"] == str(folder)
    names = sorted(f["name"] for f in listed["files"])
    assert len(names) == 2 and names[0].startswith("embeddings-") and names[1].startswith("parsed-")
    assert listed["bytes"] == sum(f["bytes"] for f in listed["files"]) > 0
    cleared = invoke("cache", "clear", env=env)
    assert cleared.exit_code == 0
    assert cleared.stdout.startswith("removed 2 cache files")
    assert not folder.exists()
    # and the next run rebuilds it
    assert invoke("compare", "alliance", "moj", env=env).exit_code == 0
    assert len(cache_files(folder)) == 2


def test_no_cache_writes_nothing(invoke, corpus_dir, tmp_path):
    folder = tmp_path / "c"
    result = invoke("--no-cache", "compare", "alliance", "moj", env={"POSITIONS_CACHE_DIR": str(folder), "POSITIONS_DATA": str(corpus_dir)})
    assert result.exit_code == 0
    assert not folder.exists()


class Recorder:
    """Records the progress the library reports."""

    def __init__(self):
        self.steps = []

    def step(self, description, total):
        record = {"description": description, "total": total, "done": 0, "closed": False}
        self.steps.append(record)

        class Step:
            def advance(self, amount=1):
                record["done"] += amount

            def close(self):
                record["closed"] = True

        return Step()


def test_matcher_reports_embedding_and_alignment_progress(make_corpus, tmp_path):
    corpus = load_corpus(make_corpus())
    recorder = Recorder()
    matcher = Matcher(corpus, use_cache=False, progress=recorder)
    compare_sources(matcher, ["alliance", "moj"])
    by_name = {s["description"]: s for s in recorder.steps}
    assert by_name["embedding statements"]["total"] == by_name["embedding statements"]["done"] == 5
    assert by_name["aligning sources"]["total"] == by_name["aligning sources"]["done"] == 1
    assert all(s["closed"] for s in recorder.steps)


def test_embedding_in_batches_gives_the_same_vectors(monkeypatch):
    from positions import embed

    texts = [f"statement number {i} about probation" for i in range(7)]
    whole = EmbeddingStore(None).embed(texts)
    monkeypatch.setattr(embed, "EMBED_BATCH", 3)
    recorder = Recorder()
    batched = EmbeddingStore(None).embed(texts, recorder)
    assert np.allclose(whole, batched)
    assert recorder.steps[0]["done"] == 7


def test_delayed_bar_stays_hidden_for_quick_work():
    from positions.render.progress import DelayedBar

    bar = DelayedBar()
    step = bar.step("quick", 3)
    step.advance(3)
    step.close()
    assert bar.progress is None  # under a second: nothing was drawn
    bar.stop()


def test_delayed_bar_appears_for_slow_work(monkeypatch):
    from positions.render import progress

    monkeypatch.setattr(progress, "SHOW_AFTER", 0.0)
    bar = progress.DelayedBar()
    step = bar.step("slow", 4)
    step.advance(2)
    assert bar.progress is not None
    assert bar.progress.tasks[0].completed == 2 and bar.progress.tasks[0].total == 4
    step.close()
    bar.stop()
    assert bar.progress is None
