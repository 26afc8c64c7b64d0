"""Text pieces that ingest, rules and the assistant share: the indexed passage, Danish tokens, agenda items.

One place for each, so the index is built and read with the same definitions.
"""
from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from functools import lru_cache

# An agenda item heading: "1.8 Lukning af pladser" (a trailing dot after the number is allowed).
AGENDA_ITEM = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?\s+(\S.*)$")
# The marks that start a bullet line, and a list item of any kind: a bullet, "2." / "2)" or "b)".
BULLET = r"[•\-–o*]"
LIST_ITEM = re.compile(rf"(?:{BULLET}|\d{{1,2}}[.)]|[a-zæøå][.)])\s")


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    title: str
    kind: str
    body: str
    date: str
    valid_from: str
    valid_to: str
    section: str  # agenda item number ("1.8") or "" for headed sections
    section_title: str
    part: str  # enclosing part of an agenda ("Beslutningspunkter"), else ""
    position: int
    text: str
    source: str
    page: int = 0  # the PDF page the passage starts on; 0 for other files, or where it cannot be placed

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        """How a citation names the passage: '<body> dagsorden 27.2.2026, pkt. 1.8 …'."""
        if self.section:
            return f"{self.title}, pkt. {self.section} {self.section_title}".strip()
        return f"{self.title}, {self.section_title}".strip(", ")

    def context_text(self) -> str:
        """The passage with its context (document title, body, date, heading), as keyword-indexed."""
        head = f"{self.title} ({self.body}, {self.date})" if self.body else f"{self.title} ({self.date})"
        sec = f"{self.section} {self.section_title}".strip()
        return f"{head}\n{sec}\n{self.text}"

    def embedding_text(self) -> str:
        """The passage as embedded: its heading and its text, the heading once.

        The document's title, body and date are left to the keyword index and the filters: in the vector they
        outweighed what a short passage says (dense recall@5 on the dev seed cases 0.779 -> 0.855, and 11 % fewer
        tokens to embed; bench/README.md, "What the vector holds").
        """
        first = self.text.lstrip().split("\n", 1)[0].strip()
        if not self.section_title or first.endswith(self.section_title):
            return self.text
        return f"{self.section_title}\n{self.text}"


_TOKEN = re.compile(r"[0-9a-zæøåäöéü]+(?:[.-][0-9a-zæøåäöéü]+)*", re.IGNORECASE)
# Function words carry no topic; keep the list short so "ikke"/"kan" style words still count.
STOPWORDS = set(
    """og i at det er en til på de som for med af den der har ikke om et var fra vi skal kan
    jf. bl.a. samt eller men så efter over under ved også være blev bliver hvor hvad hvem hvilke hvilken
    the a an of to in on for and or is are was were be by with at from as it this that which who what when does do""".split()
)

_local = threading.local()


def _stemmer():
    """One stemmer per thread: a snowball stemmer keeps its working state on the instance."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("danish")
    return stemmer


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """The Danish stem of a word, remembered: the same few thousand words are stemmed question after question
    (the pure-Python stemmer was half of a document question's time)."""
    return _stemmer().stemWord(word)


stem = _stem  # the stem of one word, as tokenize gives it


def tokenize(text: str) -> list[str]:
    """Lower-case, drop stop words, Danish-stem; hyphenated words also yield their parts."""
    stem = _stem
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        parts = [tok] + (tok.split("-") if "-" in tok else [])
        for p in parts:
            if p and p not in STOPWORDS:
                out.append(stem(p))
    return out
