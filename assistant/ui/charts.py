"""Charts of the decision register: items per meeting by type, and places opened or closed per municipality.

The data functions are plain (rows from the register in, records out) so tests check them on a real register;
the charts are altair, which ships with Streamlit.
"""
from __future__ import annotations

from collections import Counter

from assistant.ui.text import ITEM_TYPE_LABELS, date_dk


def meeting_counts(rows: list[dict]) -> list[dict]:
    """Items per meeting (date and body) and item type, oldest meeting first."""
    counts = Counter((r["meeting_date"], r["body"], r["item_type"]) for r in rows)
    return [{"Mødedato": day, "Møde": f"{body or 'Uden organ'} {date_dk(day)}",
             "Punkttype": ITEM_TYPE_LABELS.get(kind, kind), "Punkter": n}
            for (day, body, kind), n in sorted(counts.items())]


def capacity_points(rows: list[dict]) -> list[dict]:
    """Each capacity change the items name: meeting date, municipality, places (+ opened, - closed), the item."""
    out = []
    for r in sorted(rows, key=lambda r: (r["meeting_date"], r["doc_id"], r["item_no"])):
        for c in r.get("capacity_changes") or []:
            out.append({"Mødedato": r["meeting_date"], "Kommune": c["municipality"], "Pladser": c["places"],
                        "Retning": "Åbnes" if c["places"] > 0 else "Lukkes",
                        "Punkt": f"pkt. {r['item_no']} {r['title']}", "Dokument": r.get("doc_title", r["doc_id"]),
                        "Citat": c.get("quote", "")})
    return out


def capacity_totals(points: list[dict]) -> list[dict]:
    """Net places per municipality over the shown period, largest change first."""
    net = Counter()
    for p in points:
        net[p["Kommune"]] += p["Pladser"]
    return [{"Kommune": k, "Pladser i alt": v} for k, v in sorted(net.items(), key=lambda kv: (-abs(kv[1]), kv[0]))]


def meetings_chart(records: list[dict]):
    import altair as alt

    return alt.Chart(alt.Data(values=records)).mark_bar().encode(
        x=alt.X("Mødedato:T", title="Mødedato", axis=alt.Axis(format="%-d.%-m.%Y")),
        y=alt.Y("sum(Punkter):Q", title="Punkter"),
        color=alt.Color("Punkttype:N", title="Punkttype", legend=alt.Legend(orient="bottom")),
        tooltip=["Møde:N", "Punkttype:N", "Punkter:Q"],
    ).properties(height=280)


def capacity_chart(points: list[dict]):
    import altair as alt

    base = alt.Chart(alt.Data(values=points))
    bars = base.mark_circle(size=90, opacity=0.85).encode(
        x=alt.X("Mødedato:T", title="Mødedato", axis=alt.Axis(format="%-d.%-m.%Y")),
        y=alt.Y("Pladser:Q", title="Pladser (+ åbnes, − lukkes)"),
        color=alt.Color("Kommune:N", title="Kommune", legend=alt.Legend(orient="bottom", columns=4)),
        tooltip=["Kommune:N", "Pladser:Q", "Punkt:N", "Dokument:N", "Citat:N"],
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#555").encode(y="y:Q")
    return (zero + bars).properties(height=280)
