"""Update the frozen error messages (tests/hostile/snapshots/messages.txt), deliberately.

The test tests/hostile/test_messages.py only compares; this script is the one way to change the
snapshot. It runs that test, which writes the messages as they are now to a temporary file, shows
the difference from the snapshot, and with --write replaces the snapshot with them.

    python tools/update_snapshots.py          # show what changed
    python tools/update_snapshots.py --write  # and accept it
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "hostile" / "snapshots" / "messages.txt"
TEST = "tests/hostile/test_messages.py::test_messages_match_the_snapshot"
RENDER_TO = "POSITIONS_SNAPSHOT_RENDER_TO"  # as in tests/hostile/test_messages.py


def main() -> int:
    write = "--write" in sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="positions-snapshot-") as tmp:
        out = Path(tmp) / "messages.txt"
        env = {**os.environ, RENDER_TO: str(out)}
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST], cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not out.exists():
            print("the test did not render the messages; run it to see why:", f"pytest {TEST}", file=sys.stderr)
            return 1
        now = out.read_text(encoding="utf-8")
    before = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if now == before:
        print(f"{SNAPSHOT.relative_to(ROOT)} is up to date")
        return 0
    sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), now.splitlines(True), "snapshot", "now"))
    if not write:
        print("\n(not written: run with --write to accept these messages)")
        return 1
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(now, encoding="utf-8")
    print(f"\nwrote {SNAPSHOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
