"""Loaders: a document file in, its raw text out. PDF (pypdf), DOCX (python-docx), HTML (BeautifulSoup), TXT."""
from __future__ import annotations

from pathlib import Path

SUPPORTED = (".txt", ".pdf", ".docx", ".html", ".htm")


class LoadError(ValueError):
    """A file could not be read as a document; the message says why in one sentence."""


def load_text(path: str | Path) -> str:
    """Return the raw text of a document, or raise LoadError naming the file and the reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"{path.name}: unsupported file type '{suffix or 'none'}' (accepted: {', '.join(SUPPORTED)})")
    if not path.is_file():
        raise LoadError(f"{path.name}: file not found")
    if path.stat().st_size == 0:
        raise LoadError(f"{path.name}: the file is empty")
    try:
        text = _LOADERS[suffix](path)
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - parsers raise many types on corrupt input
        raise LoadError(f"{path.name}: cannot be read as {suffix[1:].upper()} ({exc.__class__.__name__})") from None
    if not text.strip():
        raise LoadError(f"{path.name}: no text could be extracted (a scanned PDF needs OCR first)")
    return text


def _txt(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise LoadError(f"{path.name}: looks like a binary file, not text")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError(f"{path.name}: text is neither UTF-8 nor Windows-1252")


def _pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path), strict=False)
    # Pages joined by a form feed, as PDF-to-text tools do; the cleaner treats it as a line break.
    return "\f".join((page.extract_text() or "") for page in reader.pages)


def _docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n\n".join(lines)


def _html(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_txt(path), "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup.get_text("\n")


_LOADERS = {".txt": _txt, ".pdf": _pdf, ".docx": _docx, ".html": _html, ".htm": _html}
