"""Agenda items numbered on one level and capacity changes, on layouts unlike the seed agendas (real cleaning,
chunking and register extraction; the municipalities come from rules/data/scope.yaml)."""
from __future__ import annotations

from datetime import date

from ingest.agenda import flat_headings
from ingest.chunk import chunk_document
from ingest.clean import clean_text
from ingest.manifest import DocumentEntry
from ingest.register import extract_items
from rules.scope import scope

MUNI = scope().municipalities  # names from the scope profile, never written in the tests either
A, B = MUNI[3], MUNI[9]

# A municipal committee's agenda: "Punkt N" headings, a numbered list inside an item, dates written "1. marts".
COMMITTEE_AGENDA = f"""{A} Kommune
Social- og Sundhedsudvalget

Dagsorden
Ordinært møde tirsdag den 3. marts 2026 kl. 16.00
Mødelokale 2, Rådhuset

Punkt 1 Godkendelse af dagsorden
Dagsordenen forelægges til godkendelse.

Punkt 2 Udvidelse af botilbuddet Granly
Sagsfremstilling
Forvaltningen foreslår at udvide botilbuddet Granly med 6 pladser fra 1. juni 2026.
Udvidelsen sker i tre trin:
1. Ombygning af fløj A
2. Ansættelse af personale
3. Indflytning
Justeringer op til 10 pladser kræver ikke forudgående godkendelse i det tværkommunale samarbejde.

Indstilling
Direktøren indstiller, at udvalget godkender udvidelsen.

Punkt 3 Orientering om ventelister
Forvaltningen orienterer om ventelisterne til botilbud.

Punkt 4 Eventuelt
"""

# Minutes from a steering group: a table of contents repeats the numbering; "1. Godkendelse af dagsorden".
MINUTES = f"""Referat af møde i styregruppen for socialområdet
Dato: 12. februar 2026

Indhold
1. Godkendelse af dagsorden
2. Lukning af Engbo
3. Meddelelser

1. Godkendelse af dagsorden
Beslutning: Godkendt.

2. Lukning af Engbo
{B} Kommune lukker Engbo, som har 14 pladser, pr. 1. maj 2026.
Lukningen reducerer {B} Kommunes kapacitet med 14 pladser.
Lukning af hele tilbud skal uanset antal pladser godkendes, og justeringer på mere end 10 pladser ligeså.

Beslutning
Styregruppen godkendte lukningen.

3. Meddelelser
Beslutning: Taget til efterretning.
"""

# A case list with "Sag nr. N |" headings and a change written "fra 18 til 12 pladser".
CASE_LIST = f"""Dagsorden for netværksmøde

Sag nr. 1 | Godkendelse af referat
Referatet er udsendt.

Sag nr. 2 | Reduktion af Bostedet Lyngtoften ({A} Kommune)
Indstilling:
{A} Kommune indstiller, at Bostedet Lyngtoften reduceres fra 18 til 12 pladser pr. 1. juni 2026.
"""

# Prose with numbered paragraphs that are no run of headings, in a note: no items.
NOTE = """Notat om styring

1. januar 2026 trådte aftalen i kraft.
Der er 3 pladser ledige.
7. Kapitel om takster findes i bilaget.
"""


def entry(kind: str, doc_id: str = "upload-test") -> DocumentEntry:
    return DocumentEntry(id=doc_id, title="Test", kind=kind, body="", date=date(2026, 3, 3), file="x.txt")


def items(kind: str, text: str):
    return extract_items(entry(kind), clean_text(text))


def test_committee_agenda_with_punkt_headings():
    got = items("agenda", COMMITTEE_AGENDA)
    assert [(i.item_no, i.title) for i in got] == [
        ("1", "Godkendelse af dagsorden"), ("2", "Udvidelse af botilbuddet Granly"),
        ("3", "Orientering om ventelister"), ("4", "Eventuelt")]
    granly = got[1]
    assert "Ansættelse af personale" in granly.text  # the list inside the item stays in it
    assert granly.item_type == "decision" and granly.status == "proposal"
    assert got[2].item_type == "orientation"
    # "op til 10 pladser" is a threshold; the one change is the six places, in the agenda's own municipality.
    assert [(c["municipality"], c["places"]) for c in granly.capacity_changes] == [(f"{A} Kommune", 6)]
    sections = [c.section for c in chunk_document(entry("agenda"), clean_text(COMMITTEE_AGENDA))]
    assert {"1", "2", "3"} <= set(sections)  # "Punkt 4 Eventuelt" has no text to index


def test_minutes_with_a_table_of_contents_and_numbered_headings():
    got = items("minutes", MINUTES)
    assert [i.item_no for i in got] == ["1", "2", "3"]
    assert all(i.text.splitlines()[0] == f"{i.item_no}. {i.title}" for i in got)
    # The items are the ones with a body, not the table of contents.
    assert got[1].decision_text == "Styregruppen godkendte lukningen." and got[1].status == "decided"
    assert got[0].item_type == "decision" and got[2].item_type == "orientation"
    assert [(c["municipality"], c["places"]) for c in got[1].capacity_changes] == [(f"{B} Kommune", -14)]


def test_case_list_with_sag_nr_headings_and_from_to_places():
    got = items("agenda", CASE_LIST)
    assert [i.item_no for i in got] == ["1", "2"]
    assert [(c["municipality"], c["places"]) for c in got[1].capacity_changes] == [(f"{A} Kommune", -6)]


def test_numbered_prose_is_no_agenda():
    assert items("agenda", NOTE) == []
    assert flat_headings(clean_text(NOTE).splitlines()) == []


def test_other_kinds_have_no_items():
    assert items("other", COMMITTEE_AGENDA) == []


def test_a_long_line_of_digits_is_linear():
    import time

    text = ("1 " * 50_000 + "\n") * 4 + "\n".join(f"{n}. Punkt {n}" for n in range(1, 200))
    t0 = time.perf_counter()
    heads = flat_headings(text.splitlines())
    assert time.perf_counter() - t0 < 2
    assert len(heads) == 199


# Committee minutes that put each case's number on a metadata line and its title on the next ("Titel: …").
CASE_MINUTES = f"""{A} Kommune | Socialudvalget | Referat

------------------------------------------------------------
Sag: 87 | Journalnr.: 27.12.00-A00-14-26 | Åben sag
Titel: Kapacitetstilpasning på Bofællesskabet Lærken

Resumé | Lærken har i dag 20 pladser.
Indstilling | Administrationen indstiller, at Lærken reduceres med 6 pladser.

Beslutning i Socialudvalget den 25.08.2026: Udvalget godkendte en reduktion med 4 pladser.

------------------------------------------------------------
Sag: 88 | Journalnr.: 27.36.04-P20-3-26 | Åben sag
Titel: Udvidelse af aflastningstilbuddet Fjordly

Resumé | Fjordly giver aflastning til børn og unge.

Beslutning i Socialudvalget den 25.08.2026: Sagen blev udsat.
"""


def test_case_headings_take_their_title_from_the_title_line():
    got = items("minutes", CASE_MINUTES)
    assert [(i.item_no, i.title) for i in got] == [
        ("87", "Kapacitetstilpasning på Bofællesskabet Lærken"), ("88", "Udvidelse af aflastningstilbuddet Fjordly")]
    chunks = chunk_document(entry("minutes"), clean_text(CASE_MINUTES))
    assert [c.section for c in chunks if c.section] == ["87", "88"]
    assert "reduktion med 4 pladser" in next(c.text for c in chunks if c.section == "87")


def test_markdown_headings_cut_a_web_page():
    page = ("# Ofte stillede spørgsmål\n\nHer er svar på de spørgsmål, vi oftest får fra kommunerne om aftalen og "
            "om kapacitet.\n\n## Kapacitet\n\n### Skal vi have godkendelse, før vi ændrer antallet af pladser?\n"
            "Bagatelgrænsen er 6 pladser: op til 6 pladser kræver ingen godkendelse, men skal indberettes til "
            "sekretariatet senest 30 dage før ændringen træder i kraft, og styregruppen orienteres.\n\n"
            "### Hvor ofte mødes styregruppen?\nStyregruppen holder fem møder i 2026 og seks møder om året fra "
            "2027; datoerne står i mødeplanen nedenfor, sammen med fristerne for punkter til dagsordenen og "
            "stedet for hvert møde.\n")
    titles = [c.section_title for c in chunk_document(entry("other"), clean_text(page))]
    assert any(t.endswith("Skal vi have godkendelse, før vi ændrer antallet af pladser?") for t in titles), titles
    assert any(t.endswith("Hvor ofte mødes styregruppen?") for t in titles), titles
    assert not any("#" in t for t in titles)
