"""Loading rules/data/*.yaml through the strict schema, and checking quotes against the corpus."""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from pydantic import BaseModel, ValidationError

from .schema import (BodiesFile, CapacityFile, ChairsFile, Dated, Fact, FrameworkFile,
                     MeetingsFile, ScopeFile, Source, TariffFile)

DATA_DIR = Path(__file__).parent / "data"
FILES: dict[str, type[BaseModel]] = {
    "capacity_adjustment": CapacityFile,
    "bodies": BodiesFile,
    "chairs": ChairsFile,
    "meetings": MeetingsFile,
    "framework_agreements": FrameworkFile,
    "tariff_agreements": TariffFile,
    "scope": ScopeFile,
}
_LABEL_KEYS = ("id", "version", "name", "body", "date")
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
# The parsed rule files are kept as pickles in this folder (default: the user's cache folder), keyed by the
# file's bytes and the source of the code that parses it, so a new process skips YAML and schema validation
# (about 0.1 s of a 0.3 s rule question). "off" turns the cache off.
CACHE_ENV = "ASSISTANT_RULES_CACHE"
_CODE = (Path(__file__), Path(__file__).with_name("schema.py"))


@lru_cache(maxsize=1)
def _loader_class() -> type:
    import yaml  # imported here: a process that reads the rules from the cache never needs it

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml parses 10x faster
        """YAML 1.2 booleans: only true/false, so keys like `on:` and words like `no` stay text."""

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))
    return _Loader


def load_yaml(text: str):
    """Parse YAML text with plain true/false booleans."""
    import yaml

    return yaml.load(text, Loader=_loader_class())


def _cache_dir() -> Path | None:
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "assistant-rules"


@lru_cache(maxsize=1)
def _code_key() -> bytes:
    import pydantic

    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}|{pickle.HIGHEST_PROTOCOL}".encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.digest()


def cached_parse(path: Path, parse: Callable[[Path], T]) -> T:
    """parse(path), read from the cache when this file's bytes were parsed by this code before.

    A cache that cannot be read or written (missing, corrupt, read-only) is passed over: the file is parsed as
    without one. Errors in the file are raised by parse on every call, since a failed parse is never cached."""
    folder = _cache_dir()
    if folder is None:
        return parse(path)
    try:
        key = hashlib.sha256(_code_key() + path.read_bytes()).hexdigest()[:32]
    except OSError:
        return parse(path)
    target = folder / f"{path.stem}-{key}.pickle"
    try:
        return pickle.loads(target.read_bytes())
    except Exception:  # no cache yet, or one this code cannot read: parse the file again
        pass
    value = parse(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, target)
        for old in folder.glob(f"{path.stem}-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return value


class RuleDataError(ValueError):
    """A rule data file is malformed; the message names the file, the entry and the problem."""


def _entry_label(raw: object, loc: tuple) -> str:
    """Name the entry a validation error points into, e.g. "versions[0] (org-2019)"."""
    parts, node = [], raw
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            label = next((str(node[k]) for k in _LABEL_KEYS if isinstance(node, dict) and k in node), "")
            parts[-1] = f"{parts[-1]}[{key}]" + (f" ({label})" if label else "")
            return ".".join(parts)
        parts.append(str(key))
        node = node.get(key) if isinstance(node, dict) else None
    return "top level"


def parse_file(path: Path, model: type[M]) -> M:
    """Validate one YAML file; errors name the file and entry and say what is wrong."""
    import yaml

    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleDataError(f"{path}: cannot read rule data ({exc.__class__.__name__}: {exc})") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(x) for x in loc) or "top level"
            what = "unknown key (not allowed here)" if err["type"] == "extra_forbidden" else err["msg"]
            if err["type"] == "missing" and loc and loc[-1] in ("source", "sources"):
                what = "missing source (every value needs doc, section and an exact quote)"
            problems.append(f"entry {_entry_label(raw, loc)}: {where}: {what}")
        raise RuleDataError(f"{path}: " + "; ".join(problems)) from None


@lru_cache(maxsize=None)
def dataset(name: str):
    """The validated contents of rules/data/<name>.yaml (cached in the process and across processes)."""
    return cached_parse(DATA_DIR / f"{name}.yaml", lambda path: parse_file(path, FILES[name]))


def applicable(entries: Iterable[Dated], on: date) -> list:
    """All entries whose validity period contains the date (rule data keeps this to at most one)."""
    return [e for e in entries if e.applies(on)]


def iter_sources(node: object, where: str = "") -> Iterable[tuple[str, Source]]:
    """Every Source inside a loaded model, with a path saying where it sits."""
    if isinstance(node, Source):
        yield where, node
    elif isinstance(node, BaseModel):
        for key in type(node).model_fields:
            yield from iter_sources(getattr(node, key), f"{where}.{key}" if where else key)
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from iter_sources(item, f"{where}[{i}]")


def iter_verbatim(node: object, where: str = "") -> Iterable[tuple[str, str, str]]:
    """(path, doc id, text) for every item of a Fact marked verbatim."""
    if isinstance(node, Fact):
        if node.verbatim:
            items = node.da if isinstance(node.da, list) else [node.da]
            for item in items:
                yield where, node.source[0].doc, item
    elif isinstance(node, BaseModel):
        for key in type(node).model_fields:
            yield from iter_verbatim(getattr(node, key), f"{where}.{key}" if where else key)
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from iter_verbatim(item, f"{where}[{i}]")


def corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """Doc id -> whitespace-normalized cleaned text, for checking quotes."""
    from ingest.clean import clean_text, normalize_ws
    from ingest.manifest import load_manifest

    texts = {}
    for entry in load_manifest(corpus_dir / "manifest.yaml"):
        raw = (corpus_dir / entry.file).read_text(encoding="utf-8")
        texts[entry.id] = normalize_ws(clean_text(raw))
    return texts


def verify_sources(corpus_dir: Path, data_files: dict[str, BaseModel] | None = None) -> list[str]:
    """Problems with quotes in the rule data (all files, or those given): unknown doc ids, quotes not found."""
    from ingest.clean import normalize_ws

    texts = corpus_texts(corpus_dir)
    problems = []
    for name, data in (data_files or {n: dataset(n) for n in FILES}).items():
        for where, src in iter_sources(data):
            if src.doc not in texts:
                problems.append(f"{name}.yaml {where}: unknown doc id '{src.doc}' (known: {sorted(texts)})")
            elif normalize_ws(src.quote) not in texts[src.doc]:
                problems.append(f"{name}.yaml {where}: quote not in {src.doc}: {src.quote!r}")
        for where, doc, item in iter_verbatim(data):
            if doc in texts and normalize_ws(item) not in texts[doc]:
                problems.append(f"{name}.yaml {where}: verbatim item not in {doc}: {item!r}")
    return problems
