"""Danish–English domain glossary for query expansion: an English question gets the Danish words added."""
from __future__ import annotations

import re

# english phrase -> danish terms (the words the documents use)
EN_DA: dict[str, str] = {
    "hearing period": "høringsfrist mailhøring",
    "hearing": "høring høringsfrist",
    "consultation": "høring",
    "deadline": "frist senest",
    "chair": "formand formandskab",
    "chairs": "formand formandskab",
    "chairman": "formand",
    "co-chair": "medformand",
    "vice chair": "næstformand",
    "approval": "godkendelse godkendes",
    "approve": "godkender godkendes",
    "approved": "godkendt godkendes",
    "take effect": "ikrafttræden gældende",
    "in force": "gældende ikrafttræden",
    "framework agreement": "rammeaftale rammeaftalen",
    "steering agreement": "styringsaftale",
    "tariff": "takst takster takstaftale",
    "tariffs": "takster",
    "price": "takst",
    "places": "pladser",
    "place": "pladser",
    "capacity": "kapacitet kapacitetsjustering",
    "closure": "lukning lukke",
    "close": "lukning lukke",
    "closing": "lukning lukke",
    "shelter": "herberg herbergsområdet",
    "shelters": "herberg herbergsområdet",
    "homeless": "hjemløse herberg",
    "residential": "botilbud",
    "offer": "tilbud",
    "offers": "tilbud",
    "municipality": "kommune",
    "municipalities": "kommuner kommunerne",
    "region": "region regionen",
    "meeting": "møde",
    "meetings": "møder",
    "next meeting": "næste møde",
    "agenda": "dagsorden",
    "minutes": "referat",
    "decision": "beslutning",
    "proposal": "indstilling",
    "recommendation": "indstilling",
    "secretariat": "sekretariat sekretariatet",
    "executive committee": "forretningsudvalget",
    "steering group": "styregruppe",
    "members": "består deltagelse",
    "composition": "består sammensat",
    "brain injury": "hjerneskade erhvervet hjerneskade",
    "supervision": "tilsyn socialtilsyn",
    "supervisory": "tilsyn socialtilsyn",
    "doctors": "læger",
    "psychiatry": "psykiatri",
    "mental health": "mental sundhed psykiatri",
    "children": "børn",
    "young people": "unge",
    "adults": "voksne",
    "disabilities": "handicap funktionsnedsættelse",
    "autism": "autisme",
    "development areas": "udviklingsområder",
    "conference": "konference",
    "central announcements": "centrale udmeldinger",
    "annual cycle": "årshjul",
    "how often": "mødes gange årligt",
    "meets": "mødes",
    "appoints": "udpeges udpeget",
    "appointed": "udpeges udpeget",
    "users' organisations": "brugerorganisationer",
    "user organisations": "brugerorganisationer",
    "dual diagnosis": "dobbeltdiagnose",
    "escort": "ledsagelse ledsageraftalen",
    "holiday": "ferie",
    "women's shelters": "krisecentre",
    "cooperation agreement": "samarbejdsaftale",
    "contract": "kontrakt standardkontrakter",
    "action plan": "handlingsplan",
    "status": "status",
    "task": "opgave opgaver varetager",
    "tasks": "opgaver varetager",
    "joint": "fælles fælleskommunale",
    "joint secretariat": "fællessekretariatet fælleskommunale sekretariat",
    "role": "rolle opgave",
    "purpose": "formål",
    "goal": "mål formål",
    "vision": "vision",
    "target group": "målgruppe",
    "target groups": "målgrupper",
    "development": "udvikling udviklingsområde",
    "cooperation": "samarbejde",
    "collaboration": "samarbejde",
    "proposals": "forslag",
    "report": "afrapportering rapport",
    "working group": "arbejdsgruppe",
    "residents": "beboere borgere",
    "citizens": "borgere",
    "municipal": "kommunale",
    "director": "direktør",
    "directors": "direktører",
    "mayors": "borgmestre",
    "attachment": "bilag",
    "annex": "bilag",
    "law": "lov lovgivning",
    "legislation": "lovgivning",
    "rules": "regler",
    "new rules": "nye regler",
    "tender": "udbud udbudsperiode",
    "fund": "finansiering",
    "financing": "finansiering",
    "national": "landsdækkende national",
    "board of social services": "socialstyrelsen",
}

_PHRASES = sorted(EN_DA, key=len, reverse=True)


def expand_query(question: str, replace: bool = False) -> str:
    """Return the question with the Danish terms for any English domain words it contains.

    With replace=True the English phrases are swapped for their Danish terms (used to measure how much
    of a question the documents cover); otherwise both are kept (used for search).
    """
    low = question.lower()
    extra: list[str] = []
    for phrase in _PHRASES:
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            extra.append(EN_DA[phrase])
            low = re.sub(rf"\b{re.escape(phrase)}\b", " ", low)
    if replace:
        return f"{low} {' '.join(extra)}"
    return question if not extra else f"{question} {' '.join(extra)}"
