"""'Sager og beslutninger': the decision register as a filterable table with links and CSV export."""
from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import urlencode

import streamlit as st

from assistant.ui import resources
from assistant.ui.text import ITEM_TYPE_LABELS, STATUS_LABELS, date_dk, md_escape, passage_markdown
from ingest.register import ITEM_TYPES, VERBS

LIBRARY_URL = "dokumenter"  # the url_path of the library page (app.py)
LIBRARY_PAGE = "assistant/ui/pages/dokumenter.py"
TABLE_LIMIT = 1000
CHART_LIMIT = 50_000  # the charts count every item the filters let through
CSV_COLUMNS = ("Mødedato", "Organ", "Punkt", "Titel", "Punkttype", "Indstilling", "Status", "Ved", "Dokument",
               "Dokument-id")


def passage_link(row: dict) -> str:
    """Relative link to the item's section in the document library."""
    return f"{LIBRARY_URL}?{urlencode({'doc': row['doc_id'], 'pkt': row['item_no']})}"


def table_rows(rows: list[dict]) -> list[dict]:
    return [{
        "Mødedato": date_dk(r["meeting_date"]), "Organ": r["body"], "Punkt": r["item_no"], "Titel": r["title"],
        "Punkttype": ITEM_TYPE_LABELS.get(r["item_type"], r["item_type"]),
        "Indstilling": ", ".join(x["verb"] for x in r.get("recommendations", [])),
        "Status": STATUS_LABELS.get(r["status"], r["status"]), "Ved": r.get("presenter") or "",
        "Dokument": r.get("doc_title", r["doc_id"]), "Dokument-id": r["doc_id"], "Passage": passage_link(r),
    } for r in rows]


def to_csv(rows: list[dict]) -> bytes:
    """Semicolon-separated UTF-8 with BOM: opens as columns in a Danish Excel."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(CSV_COLUMNS + ("Indstillingens tekst", "Kilde"))
    for r, t in zip(rows, table_rows(rows)):
        recs = " | ".join(f"{x['verb']}: {x['text']}" for x in r.get("recommendations", []))
        source = f"{r['citation']['title']}, pkt. {r['citation']['section']}"
        w.writerow([t[c] for c in CSV_COLUMNS] + [recs, source])
    return out.getvalue().encode("utf-8-sig")


def filters() -> dict:
    rows = resources.assistant().decisions(limit=10_000)
    bodies = sorted({r["body"] for r in rows})
    c1, c2, c3 = st.columns([2, 1, 1])
    query = c1.text_input("Fritekst", key="reg_query", placeholder="fx lukning Kollegiet")
    since = c2.date_input("Møder fra", value=None, key="reg_since", format="DD.MM.YYYY")
    until = c3.date_input("Møder til", value=None, key="reg_until", format="DD.MM.YYYY")
    c4, c5, c6 = st.columns(3)
    body = c4.selectbox("Organ", bodies, index=None, key="reg_body", placeholder="Alle organer")
    item_type = c5.selectbox("Punkttype", ITEM_TYPES, index=None, key="reg_type", placeholder="Alle typer",
                             format_func=lambda t: ITEM_TYPE_LABELS.get(t, t))
    verb = c6.selectbox("Indstillingens verbum", VERBS, index=None, key="reg_verb", placeholder="Alle verber")
    return {"query": query.strip() or None, "body": body, "since": since, "until": until,
            "item_type": item_type, "verb": verb}


def overview(rows: list[dict]) -> None:
    """Two charts over the filtered items: items per meeting by type, and places opened or closed per municipality."""
    from assistant.ui.charts import capacity_chart, capacity_points, capacity_totals, meeting_counts, meetings_chart

    left, right = st.columns(2)
    with left:
        st.subheader("Punkter pr. møde")
        counts = meeting_counts(rows)
        meetings = len({(c["Mødedato"], c["Møde"]) for c in counts})
        st.altair_chart(meetings_chart(counts), width="stretch")
        st.caption(f"{len(rows)} punkter fra {meetings} {'møde' if meetings == 1 else 'møder'}, efter punkttype.")
    with right:
        st.subheader("Pladser åbnet og lukket")
        points = capacity_points(rows)
        if not points:
            st.info("Ingen af de viste punkter nævner et antal pladser, som en kommune åbner eller lukker.")
        else:
            st.altair_chart(capacity_chart(points), width="stretch")
            net = ", ".join(f"{t['Kommune']} {t['Pladser i alt']:+d}" for t in capacity_totals(points)[:5])
            st.caption(md_escape(f"{len(points)} ændringer i pladstallet nævnt i punkterne. I alt pr. kommune: {net}"
                                 + (" …" if len(capacity_totals(points)) > 5 else "") + "."))


def render_item(row: dict) -> None:
    st.subheader(md_escape(f"pkt. {row['item_no']} {row['title']}"))
    st.caption(md_escape(f"{row['doc_title']} · {row['body']} · møde {date_dk(row['meeting_date'])} · "
                         f"{ITEM_TYPE_LABELS.get(row['item_type'], row['item_type'])} · "
                         f"{STATUS_LABELS.get(row['status'], row['status'])}"))
    if row.get("presenter"):
        st.markdown(md_escape(f"Ved {row['presenter']}"))
    if row.get("recommendations"):
        st.markdown("**Indstilling**")
        for x in row["recommendations"]:
            st.markdown(md_escape(f"• {x['text']}"))
    if row.get("decision_text"):
        st.markdown("**Beslutning**")
        st.markdown(md_escape(row["decision_text"]))
    elif row["status"] == "proposal":
        st.caption("En dagsordens indstilling er et forslag til mødet, ikke en beslutning.")
    with st.expander("Hele punktet"):
        st.markdown(passage_markdown(row.get("text", "")))
    st.page_link(LIBRARY_PAGE, label="Åbn punktet i dokumentet", icon=":material/description:",
                 query_params={"doc": row["doc_id"], "pkt": row["item_no"]})


def render() -> None:
    st.title("Sager og beslutninger")
    st.caption("Punkter fra dagsordener og referater. En indstilling er et forslag; kun referater viser beslutningen.")
    args = filters()
    try:
        every = resources.assistant().decisions(**args, limit=CHART_LIMIT)
    except ValueError as exc:  # a filter value the register does not know
        st.error(str(exc))
        return
    rows = every[:TABLE_LIMIT]
    if args["since"] and args["until"] and args["since"] > args["until"]:
        st.warning("'Møder fra' ligger efter 'Møder til'.")
    st.caption(f"{len(every)} punkter" + (f"; tabellen viser de {TABLE_LIMIT} nyeste" if len(every) > TABLE_LIMIT
                                          else ""))
    if not rows:
        st.info("Ingen punkter passer til filtrene.")
        return
    overview(every)
    st.subheader("Punkterne")
    st.dataframe(table_rows(rows), hide_index=True, width="stretch",
                 column_order=("Mødedato", "Organ", "Punkt", "Titel", "Passage", "Punkttype", "Indstilling",
                               "Status"),
                 column_config={"Passage": st.column_config.LinkColumn("Passage", display_text="Læs punktet"),
                                "Titel": st.column_config.TextColumn("Titel", width="large")})
    st.download_button("Hent som CSV", to_csv(rows), file_name=f"sager-og-beslutninger-{date.today()}.csv",
                       mime="text/csv", icon=":material/download:", key="reg_csv")
    by_key = {f"{r['doc_id']}#{r['item_no']}": r for r in rows}
    pick = st.selectbox("Vis et punkt", list(by_key), index=None, key="reg_pick", placeholder="Vælg et punkt",
                        format_func=lambda k: f"{date_dk(by_key[k]['meeting_date'])} · pkt. {by_key[k]['item_no']} "
                                              f"{by_key[k]['title']}")
    if pick is not None:
        render_item(by_key[pick])
