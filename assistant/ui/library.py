"""The document library: the corpus with its manifest metadata, and each document section by section."""
from __future__ import annotations

from itertools import groupby
from pathlib import Path

import streamlit as st

from assistant.ui import resources
from assistant.ui.text import date_dk, kind_label, md_escape, passage_markdown


def document_rows(documents: dict[str, dict]) -> list[dict]:
    rows = []
    for doc_id, d in sorted(documents.items(), key=lambda kv: (kv[1].get("date", ""), kv[0]), reverse=True):
        rows.append({
            "Titel": d.get("title", doc_id), "Type": kind_label(d.get("kind", "")), "Organ": d.get("body", ""),
            "Dato": date_dk(d.get("date")), "Gælder fra": date_dk(d.get("valid_from")),
            "Gælder til": date_dk(d.get("valid_to")), "Afsnit": d.get("chunks", 0),
            "Kilde": d.get("source_url") or None, "Uploadet": doc_id.startswith("upload-"), "Id": doc_id,
        })
    return rows


def sections(chunks) -> list[tuple[str, list]]:
    """A document's chunks in reading order, grouped by the section they were cut from."""
    ordered = sorted(chunks, key=lambda c: c.position)
    out = []
    for (number, title), group in groupby(ordered, key=lambda c: (c.section, c.section_title)):
        heading = f"pkt. {number} {title}" if number and "." in number else (f"{number}. {title}" if number else title)
        out.append((heading.strip() or "Uden overskrift", list(group)))
    return out


def is_requested(chunk) -> bool:
    """The section a link asked for: ?pkt=1.8 (agenda item) or ?afsnit=<heading> (other documents)."""
    pkt, heading = st.query_params.get("pkt", ""), st.query_params.get("afsnit", "")
    if chunk.section:
        return bool(pkt) and chunk.section == pkt
    return bool(heading) and chunk.section_title == heading


def render_section(group: list) -> None:
    if group[0].part and group[0].section and "." in group[0].section:
        st.caption(md_escape(group[0].part))
    for i, c in enumerate(group, start=1):
        if len(group) > 1:
            st.caption(f"Tekststykke {i} af {len(group)}")
        st.markdown(passage_markdown(c.text))


def render_document(doc_id: str, doc: dict, chunks: list) -> None:
    st.subheader(md_escape(doc.get("title", doc_id)))
    facts = [kind_label(doc.get("kind", "")), doc.get("body", ""), f"dato {date_dk(doc.get('date'))}"]
    if doc.get("valid_from"):
        facts.append(f"gælder fra {date_dk(doc['valid_from'])}" +
                     (f" til {date_dk(doc['valid_to'])}" if doc.get("valid_to") else ""))
    facts.append(f"fil {Path(doc.get('file', '')).name}")
    st.caption(md_escape(" · ".join(f for f in facts if f)))
    url = doc.get("source_url") or ""
    if url.startswith(("https://", "http://")):
        st.link_button("Kilde på nettet", url, icon=":material/open_in_new:")
    parts = sections(chunks)
    chosen = [(h, g) for h, g in parts if is_requested(g[0])]
    if chosen:
        heading, group = chosen[0]
        with st.container(border=True):
            st.markdown(f"**Valgt punkt: {md_escape(heading)}**")
            render_section(group)
    needle = st.text_input("Find i dokumentet", key=f"find-{doc_id}", placeholder="fx kapacitet").strip().lower()
    shown = 0
    for heading, group in parts:
        text = "\n".join(c.text for c in group)
        if needle and needle not in (heading + "\n" + text).lower():
            continue
        shown += 1
        with st.expander(md_escape(heading), expanded=bool(needle)):
            render_section(group)
    if needle and not shown:
        st.info("Ingen afsnit indeholder den tekst.")


def render() -> None:
    st.title("Dokumenter")
    index = resources.assistant().index
    documents = index.documents
    st.caption(f"{len(documents)} dokumenter og {len(index.chunks)} tekststykker i indekset.")
    st.dataframe(document_rows(documents), hide_index=True, width="stretch",
                 column_config={"Kilde": st.column_config.LinkColumn("Kilde", display_text="Åbn kilde"),
                                "Afsnit": st.column_config.NumberColumn("Tekststykker"),
                                "Uploadet": st.column_config.CheckboxColumn("Uploadet")})
    ids = [r["Id"] for r in document_rows(documents)]
    if not ids:
        return
    requested = st.query_params.get("doc")
    choice = st.selectbox("Åbn et dokument", ids, index=ids.index(requested) if requested in ids else None,
                          format_func=lambda i: f"{documents[i].get('title', i)} ({date_dk(documents[i].get('date'))})",
                          placeholder="Vælg et dokument", key="library_doc")
    if choice is None:
        return
    if choice != requested:
        st.query_params.clear()
        st.query_params["doc"] = choice
    chunks = [c for c in index.chunks.values() if c.doc_id == choice]
    render_document(choice, documents[choice], chunks)
