"""Loaders: a document file in, its raw text out. PDF (pypdf), DOCX (python-docx), HTML (BeautifulSoup), TXT.

Every loader works on bytes read once by `ingest.files.read_regular` and is bounded: a file's extracted text,
a DOCX's unpacked size and a PDF stream's decompressed size each have a cap, so no input can take minutes or GBs.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Iterable

from ingest.files import MAX_FILE_BYTES, UnsafeFile, read_regular

SUPPORTED = (".txt", ".pdf", ".docx", ".html", ".htm")
# About 250 pages of prose: ten times the largest seed document. A longer text is refused (split it), because
# at ~4 chunks/s a 5 MB text would embed for twenty minutes while holding the store lock.
MAX_TEXT_CHARS = 400_000
# A DOCX is a zip: its declared unpacked size is checked before python-docx opens it. zipfile never inflates a
# member past its declared size, so the check bounds the memory a zip bomb can take.
MAX_DOCX_UNPACKED = 60_000_000
MAX_DOCX_XML = 25_000_000
# pypdf inflates each stream up to 75 MB by default; a page's content is far below this.
MAX_PDF_STREAM = 10_000_000
MAX_PDF_PAGES = 2_000


class LoadError(ValueError):
    """A file could not be read as a document; the message says why in one sentence."""


def load_text(path: str | Path, roots: Iterable[Path] = (), confine: bool = False,
              data: bytes | None = None) -> str:
    """Return the raw text of a document, or raise LoadError naming the file and the reason."""
    return load_file(path, roots, confine, data)[0]


def load_file(path: str | Path, roots: Iterable[Path] = (), confine: bool = False,
              data: bytes | None = None) -> tuple[str, bytes]:
    """The raw text and the bytes of a document file (read once, safely), or LoadError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"{path.name}: unsupported file type '{suffix or 'none'}' (accepted: {', '.join(SUPPORTED)})")
    if data is None:
        try:
            data = read_regular(path, roots, MAX_FILE_BYTES, confine)
        except UnsafeFile as exc:
            raise LoadError(str(exc)) from None
    if not data:
        raise LoadError(f"{path.name}: the file is empty")
    try:
        text = _LOADERS[suffix](path.name, data)
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - parsers raise many types on corrupt input
        raise LoadError(f"{path.name}: cannot be read as {suffix[1:].upper()} ({exc.__class__.__name__})") from None
    if not text.strip():
        raise LoadError(f"{path.name}: no text could be extracted (a scanned PDF needs OCR first)")
    if len(text) > MAX_TEXT_CHARS:
        raise LoadError(f"{path.name}: the text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} "
                        "(split the document into parts)")
    return text, data


def _txt(name: str, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise LoadError(f"{name}: looks like a binary file, not text")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError(f"{name}: text is neither UTF-8 nor Windows-1252")


def _pdf(name: str, data: bytes) -> str:
    from pypdf import PdfReader, apply_configuration

    limits = dict(zlib_maximum_output_length=MAX_PDF_STREAM, lzw_maximum_output_length=MAX_PDF_STREAM,
                  run_length_maximum_output_length=MAX_PDF_STREAM, maximum_declared_stream_length=MAX_PDF_STREAM,
                  array_based_stream_maximum_output_length=MAX_PDF_STREAM, image_maximum_buffer_size=MAX_PDF_STREAM)
    with apply_configuration(**limits):
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise LoadError(f"{name}: the PDF has {len(reader.pages)} pages; the limit is {MAX_PDF_PAGES}")
        pages, size = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > MAX_TEXT_CHARS:  # stop extracting at once; load_file words the refusal
                break
    # Pages joined by a form feed, as PDF-to-text tools do; the cleaner treats it as a line break.
    return "\f".join(pages)


def _docx(name: str, data: bytes) -> str:
    import docx

    _check_zip(name, data)
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n\n".join(lines)


def _check_zip(name: str, data: bytes) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise LoadError(f"{name}: cannot be read as DOCX (not a zip archive)") from None
    unpacked = sum(m.file_size for m in members)
    xml = sum(m.file_size for m in members if m.filename.lower().endswith((".xml", ".rels")))
    if unpacked > MAX_DOCX_UNPACKED or xml > MAX_DOCX_XML:
        raise LoadError(f"{name}: the DOCX unpacks to {unpacked / 1e6:.0f} MB; the limit is "
                        f"{MAX_DOCX_UNPACKED / 1e6:.0f} MB ({MAX_DOCX_XML / 1e6:.0f} MB of text)")


def _html(name: str, data: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_txt(name, data), "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup.get_text("\n")


_LOADERS = {".txt": _txt, ".pdf": _pdf, ".docx": _docx, ".html": _html, ".htm": _html}
