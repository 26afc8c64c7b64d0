"""'Hvorfor dette svar': the rule or passages an answer rests on, in plain Danish; the raw trace for developers."""
from __future__ import annotations

import re

import streamlit as st

from assistant.answer import Answer, ToolCall
from assistant.modelrun import answer_run
from assistant.ui import resources
from assistant.ui.text import PLANNER_LABELS, TOOL_LABELS, date_dk, md_escape

# Why the documents are silent (assistant/abstention.py writes these reasons in English for the logs).
_SILENCE_DA = [
    (re.compile(r"no passage was found"), "ingen passage matchede spørgsmålet"),
    (re.compile(r"no document about it mentions «(.+)»"), r"intet dokument om emnet nævner «\1»"),
    (re.compile(r"no passage gives the (\w+) the question asks for"), "ingen passage angiver det beløb, der spørges om"),
    (re.compile(r"no passage holds the question's key terms"),
     "ingen passage indeholder spørgsmålets vigtigste ord, og ingen ligger tæt nok på i betydning"),
]


def silence_da(reason: str) -> str:
    for pattern, danish in _SILENCE_DA:
        if pattern.fullmatch(reason.strip()):
            return pattern.sub(danish, reason.strip())
    return "dokumenterne giver ikke et sikkert svar"


def title_of(doc_id: str, documents: dict) -> str:
    """A document's title (with its date) instead of its id; the id only when the index does not know it."""
    doc = documents.get(doc_id) or {}
    title = doc.get("title") or doc_id
    when = date_dk(doc.get("date"))
    return f"{title} ({when})" if when and when not in title else title


def validity(result: dict) -> str:
    start = date_dk(result.get("valid_from")) or "begyndelsen"
    return f"gælder fra {start} til {date_dk(result['valid_to'])}" if result.get("valid_to") else \
        f"gælder fra {start} og fortsat"


def explain_call(call: ToolCall, documents: dict) -> list[str]:
    """Plain sentences on one tool call: the rule, its version and validity, the source quotes."""
    result = call.result or {}
    name = TOOL_LABELS.get(call.name, call.name)
    if "error" in result:
        return [f"Reglen «{name}» kunne ikke bruges: {result['error']}"]
    if call.name == "find_decisions":
        found = len(result.get("items", []))
        return [f"Beslutningsregistret (dagsordenspunkter fra møderne) blev søgt igennem: {found} punkter fundet."]
    lines = []
    if "version" in result:
        lines.append(f"Reglen «{name}» er brugt i versionen fra {title_of(result['version'], documents)}, "
                     f"som {validity(result)}.")
    else:
        lines.append(f"Reglen «{name}» er brugt.")
    if not result.get("known", True):
        lines.append("Reglerne dækker ikke spørgsmålet fuldt ud.")
    for source in result.get("citations", []):
        where = f", {source['section']}" if source.get("section") else ""
        lines.append(f"Kilde: «{source.get('quote', '')}» ({title_of(source.get('doc_id', ''), documents)}{where})")
    return lines


def explain(answer: Answer, documents: dict) -> list[str]:
    """Why this answer, in sentences a caseworker reads: which rule or passages, or why there is no answer."""
    lines = [f"Svaret er fundet med {PLANNER_LABELS.get(answer.planner, answer.planner)}."]
    if answer.date_used and answer.date_used != answer.as_of:
        lines.append(f"Spørgsmålet nævner en dato, så reglerne er læst pr. {date_dk(answer.date_used)}.")
    for call in answer.tool_calls:
        lines += explain_call(call, documents)
    if answer.abstained:
        why = next((n.split(":", 1)[1] for n in answer.notes if n.startswith("abstained:")), "")
        lines.append(f"Assistenten giver ikke et sikkert svar, fordi {silence_da(why)}. "
                     "De nærmeste passager er vist som kilder, så du selv kan se efter.")
    elif answer.citations and not answer.tool_calls:
        lines.append("Svaret citerer disse passager fra dokumenterne:")
        lines += [f"[{n}] {c.title}, {c.section or 'hele dokumentet'}"
                  for n, c in enumerate(answer.citations, start=1)]
    elif not answer.tool_calls and not answer.citations:
        lines.append("Ingen regler og ingen passager blev brugt.")
    return lines


def render_trace(answer: Answer, key: str) -> None:
    st.html('<h3 class="sr-only">Hvorfor dette svar</h3>')
    with st.expander("Hvorfor dette svar"):
        for line in explain(answer, resources.assistant().index.documents):
            st.markdown(md_escape(line))
        if (run := answer_run(answer)) is not None:
            calls = ", ".join(c["name"] for c in run.calls) or "ingen"
            st.caption(md_escape(f"Sprogmodel: {run.outcome}, {run.rounds} runder, {run.seconds:.1f} s; "
                                 f"modellens egne værktøjskald: {calls}"))
        if st.toggle("Detaljer for udviklere", key=f"dev-{key}",
                     help="Værktøjskaldene med argumenter og resultater, og de fundne passager med deres score."):
            render_details(answer)


def render_details(answer: Answer) -> None:
    for call in answer.tool_calls:
        st.markdown("**Værktøj:** " + md_escape(f"{TOOL_LABELS.get(call.name, call.name)} ({call.name})"))
        st.markdown("Argumenter")
        st.json(call.args, expanded=True)
        st.markdown("Resultat")
        st.json(call.result or {}, expanded=False)
    if answer.passages:
        st.markdown("**Fundne passager** (højeste samlede score først)")
        st.dataframe(passage_rows(answer.passages), hide_index=True, width="stretch")
    for note in answer.notes:
        st.caption(md_escape(f"Bemærkning: {note}"))


def passage_rows(passages: list[dict]) -> list[dict]:
    return [{"Passage": p.get("label", ""), "Samlet score": p.get("score"),
             "Semantisk": p.get("dense_score"), "Nøgleord": p.get("keyword_score"), "Id": p.get("id", "")}
            for p in passages]
