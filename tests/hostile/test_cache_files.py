"""`cache clear` and the pruning of score files delete only files positions wrote (issue 18 item
4): a file whose name merely looks like a cache file, in a shared POSITIONS_CACHE_DIR, is left
alone, whatever it holds."""

from __future__ import annotations

import io
import json
import os

import numpy as np
import pytest

from positions.cache import cache_files
from positions.score_cache import ScoreCache

from .helpers import run


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


FOREIGN = {
    "parsed-survey-results.json": b'{"answers": [1, 2, 3]}',
    "parsed-2024.json": b'{"respondents": 12}',
    "scores-final.npz": _npz(i=np.arange(3)),
    "scores-0123456789abcdef0123456789abcdef-a--b.npz": _npz(totals=np.arange(3)),
    "embeddings-glove.npz": _npz(keys=np.array(["k"]), vectors=np.zeros((1, 4))),
    "embeddings-wordllama-big-9.npz": b"a document, not an archive",
    "answer-sheet.out": b"42\n",
    ".scores-final.npz.tmp": b"x",
    ".notes.txt.abcd1234.tmp": b"x",
}


def test_clear_keeps_files_that_only_look_like_ours(invoke, corpus_dir, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    for name, data in FOREIGN.items():
        (folder / name).write_bytes(data)
    env = {"POSITIONS_CACHE_DIR": str(folder)}
    run(invoke, "--data", corpus_dir, "compare", "alliance", "moj", status=0, env=env)
    ours = cache_files(folder)
    assert {p.name.split("-")[0] for p in ours} == {"parsed", "embeddings"}
    info = json.loads(run(invoke, "cache", "info", "--format", "json", status=0, env=env).stdout)
    assert sorted(f["name"] for f in info["files"]) == sorted(p.name for p in ours)
    result = run(invoke, "cache", "clear", status=0, env=env)
    assert result.stdout.startswith(f"removed {len(ours)} cache files")
    assert sorted(os.listdir(folder)) == sorted(FOREIGN)
    for name, data in FOREIGN.items():
        assert (folder / name).read_bytes() == data


def test_links_are_never_ours(tmp_path):
    from positions.cache import is_own_cache_file

    target = tmp_path / "precious.json"
    target.write_text(json.dumps({"0" * 64: "{}"}))
    link = tmp_path / "parsed-0.1.0.json"
    link.symlink_to(target)
    assert not is_own_cache_file(link)
    assert is_own_cache_file(target.rename(tmp_path / "parsed-0.2.0.json"))


def test_pruning_score_files_keeps_foreign_files(tmp_path):
    keep = {name: data for name, data in FOREIGN.items() if name.startswith("scores-")}
    for name, data in keep.items():
        (tmp_path / name).write_bytes(data)
    fields = {name: np.zeros(2) for name in ("i", "j", "combined", "lexical", "semantic", "topics")}
    for n in range(5):
        ScoreCache(tmp_path, f"{n:032x}").put("a", "b", fields)
    names = sorted(os.listdir(tmp_path))
    assert len([x for x in names if x not in keep]) == 3  # KEEP_VERSIONS of ours
    for name, data in keep.items():
        assert (tmp_path / name).read_bytes() == data
    clear = [p.name for p in cache_files(tmp_path)]
    assert len(clear) == 3 and not set(clear) & set(keep)


needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "wait4"), reason="POSIX only")


@needs_posix
@pytest.mark.parametrize("kind", ["parsed", "embeddings"])
@pytest.mark.parametrize("how", ["named pipe", "link to /dev/zero", "folder"])
def test_a_cache_file_that_is_not_a_plain_file_is_ignored(corpus_dir, tmp_path, kind, how):
    from positions import __version__
    from positions.embed import MODEL_ID

    from .helpers import positions_subprocess

    cache = tmp_path / "cache"
    cache.mkdir()
    name = f"parsed-{__version__}.json" if kind == "parsed" else f"embeddings-{MODEL_ID}-{__version__}.npz"
    path = cache / name
    {"named pipe": os.mkfifo, "link to /dev/zero": lambda p: os.symlink("/dev/zero", p),
     "folder": os.mkdir}[how](path)
    done = positions_subprocess("--data", corpus_dir, "compare", "alliance", "moj", env={"POSITIONS_CACHE_DIR": str(cache)},
                                timeout=60)
    assert done.status == 0, done.stderr
    assert done.cpu_seconds < 10 and done.max_rss_mb < 400
