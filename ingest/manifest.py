"""The corpus manifest: what each document is. Validated strictly on load."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

Kind = Literal["agreement", "organisation_note", "agenda", "minutes", "other"]
KINDS = ("agreement", "organisation_note", "agenda", "minutes", "other")


MAX_MANIFEST_BYTES = 5_000_000


class ManifestError(ValueError):
    """The manifest is malformed; the message names the entry and the problem."""


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    kind: Kind
    body: str
    date: date
    file: str
    valid_from: Optional[date] = None
    valid_to: Optional[date] = None
    source_url: Optional[str] = None
    # "stand-in": an invented document written for the evaluation (evals/ooc_corpus/), never a real source.
    origin: Optional[Literal["stand-in"]] = None

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", v):
            raise ValueError("id must be letters, digits, '.', '_' or '-'")
        return v


def _describe(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "entry"
        msg = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160]


def load_manifest(path: str | Path) -> list[DocumentEntry]:
    """Load and validate a manifest; files are resolved relative to its folder and must exist."""
    path = Path(path)
    from ingest.files import UnsafeFile, read_regular

    try:
        data = yaml.safe_load(read_regular(path, [path.parent], MAX_MANIFEST_BYTES).decode("utf-8")) or {}
    except UnsafeFile as exc:
        raise ManifestError(f"{path}: cannot read manifest ({str(exc).split(': ', 1)[-1]})") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ManifestError(f"{path}: cannot read manifest ({exc.__class__.__name__}: {_first_line(exc)})") from None
    if not isinstance(data, dict) or set(data) - {"documents"}:
        raise ManifestError(f"{path}: the manifest must be a mapping with one key, 'documents'")
    raw = data.get("documents") or []
    if not isinstance(raw, list):
        raise ManifestError(f"{path}: 'documents' must be a list of entries")
    entries: list[DocumentEntry] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, start=1):
        name = item.get("id", f"#{n}") if isinstance(item, dict) else f"#{n}"
        if not isinstance(item, dict):
            raise ManifestError(f"{path}: entry {name} must be a mapping")
        try:
            entry = DocumentEntry(**item)
        except ValidationError as exc:
            raise ManifestError(f"{path}: entry '{name}': {_describe(exc)}") from None
        if entry.id in seen:
            raise ManifestError(f"{path}: entry '{entry.id}': duplicate id")
        # lexists, not is_file: a link or special file is refused by the loader with its own reason, per file.
        if not os.path.lexists(path.parent / entry.file):
            raise ManifestError(f"{path}: entry '{entry.id}': file '{entry.file}' does not exist")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def document_path(manifest_path: str | Path, entry: DocumentEntry) -> Path:
    return Path(manifest_path).parent / entry.file
