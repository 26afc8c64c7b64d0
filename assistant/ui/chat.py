"""The question page: sidebar date, filters and conversations; the conversation with sources, trace and feedback."""
from __future__ import annotations

import sqlite3
from datetime import date

import streamlit as st

from assistant.answer import Answer
from assistant.conversations import ConversationStore, Turn, new_id
from assistant.feedback import Feedback, FeedbackStore
from assistant.modelrun import fallback_notice
from assistant.retrieval import Filters
from assistant.ui import resources
from assistant.ui.page import browser_id
from assistant.ui.sources import render_sources
from assistant.ui.text import KIND_LABELS, answer_markdown, date_dk, kind_label, md_escape
from assistant.ui.trace import render_trace

HISTORY_TURNS = 5  # earlier answers a follow-up may build on
PRIVACY_NOTICE = ("Skriv ikke personoplysninger om borgere (navne, cpr-numre, helbred) i spørgsmålene: "
                  "samtalen gemmes på serveren i {days} dage.")


def examples() -> tuple[str, ...]:
    """Example questions about the steering body the rules cover (its name comes from rules/data/scope.yaml)."""
    from rules.scope import scope

    body = scope().steering_body
    return (f"Skal vi have godkendelse i {body} for at lukke 7 pladser?", f"Hvem er formand for {body}?",
            f"Hvornår holder {body} næste møde?")


# --- where conversations and feedback are kept ---------------------------------------------------------

def conversation_store() -> ConversationStore | None:
    """The conversations file beside the index; None when it cannot be written (the conversation then lives
    only in this browser tab)."""
    s = resources.settings()
    try:
        return ConversationStore(s.store_dir, s.conversation_days)
    except (sqlite3.Error, OSError):
        return None


def feedback_store() -> FeedbackStore | None:
    try:
        return FeedbackStore(resources.settings().store_dir)
    except (sqlite3.Error, OSError):
        return None


def turns(store: ConversationStore | None) -> list[Turn]:
    """The open conversation: on a new session the browser's latest one, reloaded from the file."""
    ss = st.session_state
    if "conv_id" not in ss:
        listed = store.list(browser_id()) if store else []
        ss.conv_id = listed[0].id if listed else new_id()
        ss.turns = store.turns(browser_id(), ss.conv_id) if listed else []
    return ss.setdefault("turns", [])


def open_conversation(conversation: str) -> None:
    store = conversation_store()
    st.session_state.conv_id = conversation
    st.session_state.turns = store.turns(browser_id(), conversation) if store else []


def new_conversation() -> None:
    st.session_state.conv_id = new_id()
    st.session_state.turns = []


def delete_conversation() -> None:
    store = conversation_store()
    if store:
        store.delete(browser_id(), st.session_state.get("conv_id", ""))
    new_conversation()


def on_pick_conversation(key: str) -> None:
    picked = st.session_state.get(f"{key}_ids", {}).get(st.session_state.get(key))
    if picked and picked != st.session_state.get("conv_id"):
        open_conversation(picked)


# --- sidebar ------------------------------------------------------------------------------------------

def conversation_controls(store: ConversationStore | None) -> None:
    """The browser's conversations, 'Ny samtale' and 'Slet samtale' (drawn last, so a new question is listed)."""
    st.markdown("**Samtaler**")
    listed = store.list(browser_id()) if store else []
    if listed:
        current = st.session_state.get("conv_id")
        ids = [c.id for c in listed] if current in {c.id for c in listed} else [current, *(c.id for c in listed)]
        titles = {c.id: f"{c.title} ({date_dk(c.updated)})" for c in listed}
        labels = []  # the options are their labels (unique), so the widget holds plain text
        for n, cid in enumerate(ids, start=1):
            label = titles.get(cid, "Ny samtale (ikke startet)")
            labels.append(label if label not in labels else f"{label} #{n}")
        key = f"conv_pick_{current}"  # a new widget per open conversation, so it always shows the open one
        st.session_state[f"{key}_ids"] = dict(zip(labels, ids))
        st.selectbox("Dine samtaler", labels, index=ids.index(current), key=key,
                     on_change=on_pick_conversation, args=(key,),
                     help="Samtalerne gemmes kun til denne browser og slettes efter "
                          f"{resources.settings().conversation_days} dage.")
    st.button("Ny samtale", key="new_chat", icon=":material/add_comment:", on_click=new_conversation,
              width="stretch")
    st.button("Slet samtale", key="delete_chat", icon=":material/delete:", on_click=delete_conversation,
              disabled=not st.session_state.get("turns"), width="stretch")


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
        st.caption(md_escape(resources.model_health()))
    return as_of or date.today(), Filters(kinds=tuple(kinds), bodies=tuple(chosen_bodies),
                                          date_from=date_from, date_to=date_to)


# --- one exchange ---------------------------------------------------------------------------------------

def filters_dict(f: Filters) -> dict | None:
    if f.empty:
        return None
    return {"kinds": list(f.kinds), "bodies": list(f.bodies),
            "date_from": f.date_from.isoformat() if f.date_from else None,
            "date_to": f.date_to.isoformat() if f.date_to else None}


def ask(question: str, as_of: date, filters: Filters, history: list[Turn]) -> Turn:
    """Answer with the conversation's earlier answers, so a short follow-up keeps its context."""
    turn = Turn(question, filters=filters_dict(filters))
    earlier = [t.answer for t in history if t.answer is not None][-HISTORY_TURNS:]
    try:
        turn.answer = resources.assistant().ask(question, as_of=as_of, filters=None if filters.empty else filters,
                                                history=earlier or None)
    except ValueError as exc:  # a question the assistant refuses, e.g. an empty one
        turn.error = str(exc)
    return turn


def render_turn(turn: Turn, n: int) -> None:
    with st.chat_message("user"):
        st.markdown(md_escape(turn.question))
    with st.chat_message("assistant"):
        render_reply(turn, n)


def render_reply(turn: Turn, n: int) -> None:
    if turn.error:
        st.error(md_escape(turn.error))
    else:
        render_answer(turn.answer, n, turn.filters)


def render_answer(answer: Answer, n: int, filters: dict | None = None) -> None:
    key = f"t{n}"
    st.html(f'<h2 class="sr-only">Svar {n + 1}</h2>')
    st.markdown(f'<div id="answer-{key}">\n\n{answer_markdown(answer.answer, f"src-{key}")}\n\n</div>',
                unsafe_allow_html=True)
    if notice := fallback_notice(answer):
        st.info(md_escape(notice), icon=":material/info:")
    facts = [f"Pr. dato {date_dk(answer.as_of)}"]
    if filters:
        facts.append("afgrænset: " + describe_filters(filters))
    if answer.abstained:
        facts.append("intet sikkert svar i dokumenterne")
    st.caption(md_escape(" · ".join(facts)))  # filter values include bodies typed in by uploaders
    render_sources(answer, key)
    render_trace(answer, key)
    render_feedback(answer, n)


def render_feedback(answer: Answer, n: int) -> None:
    """Copy the answer; thumbs up or down, then an optional comment, stored with the question and answer."""
    key = f"t{n}"
    conversation = st.session_state.get("conv_id", "")
    store = feedback_store()
    given = store.get(conversation, n) if store else None
    cols = st.columns([2, 2, 3, 5], vertical_alignment="center")
    cols[0].markdown(f'<button type="button" class="copy-answer" data-copy="answer-{key}">Kopiér svaret</button>',
                     unsafe_allow_html=True)
    for col, rating, label, icon in ((cols[1], "up", "Nyttigt", ":material/thumb_up:"),
                                     (cols[2], "down", "Ikke nyttigt", ":material/thumb_down:")):
        chosen = given is not None and given.rating == rating
        if col.button(label, key=f"fb-{rating}-{key}", icon=icon, type="primary" if chosen else "secondary",
                      disabled=store is None) and store:
            store.save(conversation, n, answer, Feedback(rating, given.comment if given else ""))
            given = Feedback(rating, given.comment if given else "")
    if given is None:
        return
    cols[3].caption("Tak for tilbagemeldingen." if given.rating == "up" else
                    "Tak. Skriv gerne, hvad der var forkert eller manglede.")
    with st.form(key=f"fb-form-{key}", border=False):
        comment = st.text_area("Kommentar (valgfri)", value=given.comment, max_chars=2000, key=f"fb-comment-{key}",
                               height=80)
        if st.form_submit_button("Gem kommentar") and store:
            store.save(conversation, n, answer, Feedback(given.rating, comment))
            st.caption("Kommentaren er gemt.")


def describe_filters(f: dict) -> str:
    parts = []
    if f.get("kinds"):
        parts.append(", ".join(kind_label(k) for k in f["kinds"]))
    if f.get("bodies"):
        parts.append(", ".join(f["bodies"]))
    if f.get("date_from") or f.get("date_to"):
        parts.append(f"{date_dk(f.get('date_from')) or '…'}–{date_dk(f.get('date_to')) or '…'}")
    return "; ".join(parts)


def ask_example(question: str) -> None:
    st.session_state.pending_question = question


def render() -> None:
    st.title("Spørg om samarbejdet")
    store = conversation_store()
    conversation = turns(store)
    controls = st.sidebar.container()
    as_of, filters = sidebar()
    # Read the question first (the chat box sits at the bottom wherever it is called), so the start page's
    # examples are not drawn above the first answer.
    question = st.chat_input("Skriv dit spørgsmål …", key="question", max_chars=4000)
    question = question or st.session_state.pop("pending_question", None)
    if not conversation and not question:
        st.markdown("Stil et spørgsmål på dansk eller engelsk om rammeaftaler, organisering og møder. "
                    "Hvert svar viser sine kilder.")
        st.html('<h2 class="answer-heading">Eksempler</h2>')
        for i, example in enumerate(examples()):
            st.button(example, key=f"example-{i}", on_click=ask_example, args=(example,),
                      icon=":material/help:")
    for i, turn in enumerate(conversation):
        render_turn(turn, i)
    days = resources.settings().conversation_days
    st.caption(PRIVACY_NOTICE.format(days=days) if store else
               "Skriv ikke personoplysninger om borgere i spørgsmålene. Samtalen kan ikke gemmes på serveren "
               "(ingen skriveadgang til indeksmappen) og forsvinder, når siden genindlæses.")
    if question:
        with st.chat_message("user"):
            st.markdown(md_escape(question))
        with st.chat_message("assistant"):
            with st.spinner("Finder svaret …"):
                turn = ask(question, as_of, filters, conversation)
            if store:
                try:
                    store.add(browser_id(), st.session_state.conv_id, turn)
                except (sqlite3.Error, OSError):
                    pass  # the answer is shown; only its keeping failed
            conversation.append(turn)
            render_reply(turn, len(conversation) - 1)
    with controls:
        conversation_controls(store)
