"""An answer's sources: one per passage, each opening to the whole passage with the quote highlighted."""
from __future__ import annotations

import streamlit as st

from assistant.answer import Answer, Citation
from assistant.ui import resources
from assistant.ui.text import date_dk, md_escape, passage_with_quote

LIBRARY_PAGE = "assistant/ui/pages/dokumenter.py"


def page_of(chunk) -> int | None:
    """The PDF page a passage starts on, when the index records one (older indexes do not)."""
    value = getattr(chunk, "page", None) if chunk is not None else None
    return value if isinstance(value, int) and value > 0 else None


def source_label(n: int, c: Citation, page: int | None) -> str:
    where = c.section or "hele dokumentet"
    when = f" ({date_dk(c.date)})" if c.date else ""
    return f"[{n}] {c.title}{when}, {where}" + (f", side {page}" if page else "")


def render_sources(answer: Answer, key: str) -> None:
    if not answer.citations:
        return
    st.html('<h3 class="answer-heading">Kilder</h3>')
    chunks = resources.assistant().index.chunks
    for n, c in enumerate(answer.citations, start=1):
        render_citation(n, c, chunks.get(c.chunk_id), f"src-{key}-{n}")


def render_citation(n: int, c: Citation, chunk, anchor: str) -> None:
    where = c.section or "hele dokumentet"
    page = page_of(chunk)
    with st.expander(md_escape(source_label(n, c, page))):
        # The anchor the answer's [n] links to; the page's script opens this expander and scrolls to it.
        st.markdown(f'<span id="{anchor}"></span>', unsafe_allow_html=True)
        st.markdown("> " + md_escape(c.quote).replace("  \n", "  \n> "))
        item_word = "Dagsordenspunkt" if c.kind in ("agenda", "minutes") else "Afsnit"
        st.caption(md_escape(f"Dokument: {c.title} · Organ: {c.body or '–'} · Dato: {date_dk(c.date) or '–'} · "
                             f"{item_word}: {where}" + (f" · Side: {page}" if page else "")))
        if chunk is not None:
            st.markdown("**Hele passagen, som den er indekseret** (citatet er markeret)")
            with st.container(border=True):
                st.markdown(passage_with_quote(chunk.text, c.quote), unsafe_allow_html=True)
            params = {"doc": c.doc_id} | ({"pkt": chunk.section} if chunk.section else
                                          {"afsnit": chunk.section_title})
            st.page_link(LIBRARY_PAGE, label="Åbn dokumentet", icon=":material/description:", query_params=params)
