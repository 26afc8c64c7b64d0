"""The eval's own store: the seed corpus plus the out-of-corpus stand-ins, never the app's `.store/`.

The manifests (the seeds, the held-out `ooc` stand-ins and the `dev` stand-ins) are merged into one corpus folder
inside the store folder, so that `build_index` sees one corpus and the stand-ins are distractors for every split.
Vectors are cached beside it (embeddings.sqlite).
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import yaml

from evals.splits import EVALS_DIR

PROJECT_ROOT = EVALS_DIR.parent
DEFAULT_STORE = PROJECT_ROOT / "artifacts" / "eval-store"
OOC_MANIFEST = EVALS_DIR / "ooc_corpus" / "manifest.yaml"
DEV_MANIFEST = EVALS_DIR / "dev_corpus" / "manifest.yaml"  # stand-ins for the dev split (tuned on)
STAND_IN_MANIFESTS = (OOC_MANIFEST, DEV_MANIFEST)
CORPUS = "corpus"


def eval_store_dir(requested: str | Path | None, app_store: Path) -> Path:
    """The store folder the eval builds and reads; refuses the app's own index folder."""
    store = Path(requested) if requested else DEFAULT_STORE
    if store.resolve() == Path(app_store).resolve():
        raise ValueError(f"the eval builds its own index with the out-of-corpus stand-ins; --store must not be the "
                         f"app's index folder ({app_store}). Leave --store out to use {DEFAULT_STORE}.")
    return store


def combined_corpus(target: Path, manifests: list[Path]) -> Path:
    """Copy the documents of several manifests into `target` with one merged manifest.yaml; returns `target`.
    Files are rewritten only when their bytes change, so an unchanged corpus leaves the index up to date."""
    from ingest.manifest import load_manifest

    target.mkdir(parents=True, exist_ok=True)
    documents: list[dict] = []
    for manifest in manifests:
        for entry in (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("documents") or []:
            src, dst = manifest.parent / entry["file"], target / entry["file"]
            if dst in {target / d["file"] for d in documents}:
                raise ValueError(f"{manifest}: file name '{entry['file']}' is already used by another manifest")
            if not dst.exists() or dst.read_bytes() != src.read_bytes():
                shutil.copyfile(src, dst)
            documents.append(entry)
    text = yaml.safe_dump({"documents": documents}, allow_unicode=True, sort_keys=False)
    path = target / "manifest.yaml"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    load_manifest(path)  # duplicate ids or a bad entry fail here, naming the entry
    return target


def seed_embedding_cache(store: Path, app_store: Path) -> None:
    """Start an empty eval store from the app's embedding cache: the seed chunks are then not embedded again."""
    src, dst = Path(app_store) / "embeddings.sqlite", store / "embeddings.sqlite"
    if dst.exists() or not src.exists():
        return
    store.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)  # consistent even while an ingest writes to the source


def build_eval_store(store: Path, seed_corpus: Path, embedding: str, *, app_store: Path | None = None,
                     chroma_host: str = "", chroma_port: int = 8000):
    """Sync the eval store with seeds + stand-ins; returns (corpus folder, IngestReport)."""
    from ingest.index import build_index

    if app_store is not None:
        seed_embedding_cache(store, app_store)
    corpus = combined_corpus(store / CORPUS, [Path(seed_corpus) / "manifest.yaml", *STAND_IN_MANIFESTS])
    return corpus, build_index(corpus, store, embedding, chroma_host=chroma_host, chroma_port=chroma_port)
