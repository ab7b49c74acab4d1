"""Recorded cassettes as files: where they are, how they load, what their bodies say.

vcrpy writes YAML (or JSON) cassettes whose bodies are text, bytes (maybe gzipped) or
``{"string": ...}``; scripts/drift_cassettes.py checks what these helpers read.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any

import yaml

CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")


def find_cassettes(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in CASSETTE_SUFFIXES and p.is_file())


def load_cassette(path: Path) -> dict[str, Any] | None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
    else:
        try:  # vcrpy's own loader knows the few Python tags cassettes may hold
            from vcr.serializers import yamlserializer  # type: ignore[import-untyped,unused-ignore]

            data = yamlserializer.deserialize(text)
        except ImportError:  # pragma: no cover - vcrpy is a dev dependency
            data = yaml.safe_load(text)
    if isinstance(data, dict) and isinstance(data.get("interactions"), list):
        return data
    return None


def header(headers: dict[str, Any], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) and value else value)
    return ""


def body_text(body: Any, headers: dict[str, Any]) -> str | None:
    """A recorded body as text (vcrpy stores str, bytes, or {"string": ...})."""
    if isinstance(body, dict):
        body = body.get("string")
    if body is None:
        return None
    if isinstance(body, bytes):
        encoding = header(headers, "content-encoding").lower()
        raw: bytes = body
        try:
            if encoding == "gzip":
                raw = gzip.decompress(raw)
            elif encoding == "deflate":
                raw = zlib.decompress(raw)
        except (OSError, zlib.error):
            pass
        return raw.decode("utf-8", errors="replace")
    return str(body)


def body_kind(content_type: str, body: str) -> str:
    if "json" in content_type:
        return "json"
    if "xml" in content_type or body.lstrip().startswith("<"):
        return "xml"
    if "form" in content_type:
        return "form"
    if not content_type:
        try:
            json.loads(body)
        except json.JSONDecodeError:
            return "text"
        return "json"
    return content_type
