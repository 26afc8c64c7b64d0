"""The question page: sidebar date and filters, the conversation, citations and the trace of each answer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from assistant.answer import Answer
from assistant.modelrun import answer_run, fallback_notice
from assistant.retrieval import Filters
from assistant.ui import resources
from assistant.ui.text import (KIND_LABELS, PLANNER_LABELS, TOOL_LABELS, answer_markdown, date_dk, kind_label,
                               md_escape, passage_markdown)

LIBRARY_PAGE = "assistant/ui/pages/dokumenter.py"


def examples() -> tuple[str, ...]:
    """Example questions about the steering body the rules cover (its name comes from rules/data/scope.yaml)."""
    from rules.scope import scope

    body = scope().steering_body
    return (f"Skal vi have godkendelse i {body} for at lukke 7 pladser?", f"Hvem er formand for {body}?",
            f"Hvornår holder {body} næste møde?")


@dataclass
class Turn:
    """One exchange of the conversation, kept in the session."""

    question: str
    answer: Answer | None = None
    error: str = ""
    filters: Filters | None = None


def sidebar() -> tuple[date, Filters]:
    """'Pr. dato' and the filters, as the assistant takes them."""
    with st.sidebar:
        as_of = st.date_input("Pr. dato", value=date.today(), key="as_of", format="DD.MM.YYYY",
                              help="Svaret bygger på de regler og dokumenter, der gjaldt denne dag.")
        st.markdown("**Afgræns søgningen**")
        bodies = sorted({d.get("body", "") for d in resources.assistant().index.documents.values()} - {""})
        kinds = st.multiselect("Dokumenttype", list(KIND_LABELS), format_func=kind_label, key="f_kinds",
                               placeholder="Alle typer")
        chosen_bodies = st.multiselect("Organ", bodies, key="f_bodies", placeholder="Alle organer")
        date_from = st.date_input("Dokumenter fra", value=None, key="f_from", format="DD.MM.YYYY")
        date_to = st.date_input("Dokumenter til", value=None, key="f_to", format="DD.MM.YYYY")
        if st.button("Ny samtale", key="new_chat", icon=":material/refresh:"):
            st.session_state.turns = []
        st.caption(md_escape(resources.model_health()))
    return as_of or date.today(), Filters(kinds=tuple(kinds), bodies=tuple(chosen_bodies),
                                          date_from=date_from, date_to=date_to)


def ask(question: str, as_of: date, filters: Filters) -> Turn:
    turn = Turn(question, filters=None if filters.empty else filters)
    try:
        turn.answer = resources.assistant().ask(question, as_of=as_of, filters=turn.filters)
    except ValueError as exc:  # a question the assistant refuses, e.g. an empty one
        turn.error = str(exc)
    return turn


def render_turn(turn: Turn, key: str) -> None:
    with st.chat_message("user"):
        st.markdown(md_escape(turn.question))
    with st.chat_message("assistant"):
        render_reply(turn, key)


def render_reply(turn: Turn, key: str) -> None:
    if turn.error:
        st.error(md_escape(turn.error))
    else:
        render_answer(turn.answer, key, turn.filters)


def render_answer(answer: Answer, key: str, filters: Filters | None = None) -> None:
    st.markdown(answer_markdown(answer.answer))
    if notice := fallback_notice(answer):
        st.info(md_escape(notice), icon=":material/info:")
    facts = [f"Pr. dato {date_dk(answer.as_of)}"]
    if filters:
        facts.append("afgrænset: " + describe_filters(filters))
    if answer.abstained:
        facts.append("intet sikkert svar i dokumenterne")
    st.caption(md_escape(" · ".join(facts)))  # filter values include bodies typed in by uploaders
    if answer.citations:
        st.markdown("**Kilder**")
        chunks = resources.assistant().index.chunks
        for n, c in enumerate(answer.citations, start=1):
            render_citation(n, c, chunks.get(c.chunk_id), f"{key}-{n}")
    render_trace(answer)


def render_citation(n: int, c, chunk, key: str) -> None:
    where = c.section or "hele dokumentet"
    with st.expander(md_escape(f"[{n}] {c.title} ({date_dk(c.date)}), {where}")):
        st.markdown("> " + md_escape(c.quote).replace("  \n", "  \n> "))
        item_word = "Dagsordenspunkt" if c.kind in ("agenda", "minutes") else "Afsnit"
        st.caption(md_escape(f"Dokument: {c.title} · Organ: {c.body or '–'} · Dato: {date_dk(c.date)} · "
                             f"{item_word}: {where}"))
        if chunk is not None:
            st.markdown("**Hele passagen, som den er indekseret**")
            with st.container(border=True):
                st.markdown(passage_markdown(chunk.text))
            params = {"doc": c.doc_id} | ({"pkt": chunk.section} if chunk.section else
                                          {"afsnit": chunk.section_title})
            st.page_link(LIBRARY_PAGE, label="Åbn dokumentet", icon=":material/description:", query_params=params)


def render_trace(answer: Answer) -> None:
    with st.expander("Hvorfor dette svar"):
        st.caption(f"Fremgangsmåde: {PLANNER_LABELS.get(answer.planner, answer.planner)}")
        if (run := answer_run(answer)) is not None:
            calls = ", ".join(c["name"] for c in run.calls) or "ingen"
            st.caption(md_escape(f"Sprogmodel: {run.outcome}, {run.rounds} runder, {run.seconds:.1f} s; "
                                 f"modellens egne værktøjskald: {calls}"))
        if answer.tool_calls:
            st.markdown("**Værktøjskald**")
        for call in answer.tool_calls:
            render_tool_call(call)
        if answer.passages:
            st.markdown("**Fundne passager** (højeste samlede score først)")
            st.dataframe(passage_rows(answer.passages), hide_index=True, width="stretch")
        elif not answer.tool_calls:
            st.caption("Ingen værktøjer og ingen passager blev brugt.")
        for note in answer.notes:
            st.caption(md_escape(f"Bemærkning: {note}"))


def render_tool_call(call) -> None:
    result = call.result or {}
    st.markdown("**Værktøj:** " + md_escape(f"{TOOL_LABELS.get(call.name, call.name)} ({call.name})"))
    st.markdown("Argumenter")
    st.json(call.args, expanded=True)
    if "error" in result:
        st.error(md_escape(result["error"]))
        return
    if "version" in result:
        validity = f"gælder fra {date_dk(result.get('valid_from')) or 'start'}"
        validity += f" til {date_dk(result['valid_to'])}" if result.get("valid_to") else " og fortsat"
        rule = result.get("rule_id", "")
        st.markdown(md_escape(f"Regel {rule}, version {result['version']}, {validity}."))
        if not result.get("known", True):
            st.warning("Reglerne dækker ikke spørgsmålet fuldt ud.")
    if result.get("fields"):
        st.markdown("Resultat")
        st.json(result["fields"], expanded=True)
    st.markdown("Hele resultatet")
    st.json(result, expanded=False)


def passage_rows(passages: list[dict]) -> list[dict]:
    return [{"Passage": p.get("label", ""), "Samlet score": p.get("score"),
             "Semantisk": p.get("dense_score"), "Nøgleord": p.get("keyword_score"), "Id": p.get("id", "")}
            for p in passages]


def describe_filters(f: Filters) -> str:
    parts = []
    if f.kinds:
        parts.append(", ".join(kind_label(k) for k in f.kinds))
    if f.bodies:
        parts.append(", ".join(f.bodies))
    if f.date_from or f.date_to:
        parts.append(f"{date_dk(f.date_from) or '…'}–{date_dk(f.date_to) or '…'}")
    return "; ".join(parts)


def render() -> None:
    st.title("Spørg om samarbejdet")
    as_of, filters = sidebar()
    turns: list[Turn] = st.session_state.setdefault("turns", [])
    if not turns:
        st.markdown("Stil et spørgsmål på dansk eller engelsk om rammeaftaler, organisering og møder. "
                    "Hvert svar viser sine kilder.")
        st.caption(md_escape("Eksempler: " + " · ".join(f"«{e}»" for e in examples())))
    for i, turn in enumerate(turns):
        render_turn(turn, f"t{i}")
    question = st.chat_input("Skriv dit spørgsmål …", key="question")
    if question:
        with st.chat_message("user"):
            st.markdown(md_escape(question))
        with st.chat_message("assistant"):
            with st.spinner("Finder svaret …"):
                turn = ask(question, as_of, filters)
            turns.append(turn)
            render_reply(turn, f"t{len(turns) - 1}")
