"""JSON output: stable key order, UTF-8, a trailing newline."""

from __future__ import annotations

import json
from typing import Any


def to_json(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
