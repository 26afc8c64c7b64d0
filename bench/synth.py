"""Synthetic corpus for the growth curve: the seed corpus plus SYNTETISK agendas up to N times its size.

The agendas copy the structure of the real DASSOS agendas (parts, numbered items, "Ved ...",
Indstilling, Sagsfremstilling, Bilag) with invented offers, people and figures. Every file name,
title and first line says SYNTETISK. Output goes to its own folder, never into corpus/.

    .venv/bin/python -m bench.synth --scale 10 --out bench/.work/corpus-10x
"""
from __future__ import annotations

import argparse
import random
import shutil
import textwrap
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus"
MARK = "SYNTETISK"

MUNICIPALITIES = ["Favrskov", "Hedensted", "Herning", "Holstebro", "Horsens", "Ikast-Brande", "Lemvig",
                  "Norddjurs", "Odder", "Randers", "Ringkøbing-Skjern", "Samsø", "Silkeborg", "Skanderborg",
                  "Skive", "Struer", "Syddjurs", "Viborg", "Aarhus"]
FIRST = ["Anne", "Bente", "Camilla", "Dorte", "Eva", "Hanne", "Helle", "Inge", "Karen", "Lene", "Mette", "Pia",
         "Rikke", "Susanne", "Tina", "Anders", "Bo", "Claus", "Erik", "Henrik", "Jens", "Kim", "Lars", "Martin",
         "Niels", "Ole", "Peter", "Søren", "Thomas", "Torben"]
LAST = ["Andersen", "Bach", "Christensen", "Dahl", "Engelbrecht", "Frandsen", "Gregersen", "Holm", "Iversen",
        "Juhl", "Kjærgaard", "Lauridsen", "Mikkelsen", "Nørgaard", "Overgaard", "Poulsen", "Riis", "Skov",
        "Thygesen", "Vestergaard", "Würtz", "Østergaard"]
ROLES = ["direktør", "socialdirektør", "direktør for social og sundhed", "børne- og ungedirektør",
         "centerchef", "kontorchef", "sekretariatschef", "chefkonsulent"]
OFFER_KINDS = ["Botilbuddet", "Bofællesskabet", "Opholdsstedet", "Døgntilbuddet", "Specialskolen",
               "Aktivitets- og samværstilbuddet", "Behandlingstilbuddet", "Bostedet"]
OFFER_NAMES = ["Engly", "Solsikken", "Lærkebo", "Fjordhuset", "Skovbrynet", "Bakkehuset", "Lyngtoften",
               "Kildevang", "Egebo", "Åbrinken", "Havgården", "Mosevang", "Stjernehuset", "Granly", "Bøgely",
               "Vibehuset", "Ådalen", "Højmarken", "Møllehuset", "Kastanjegården", "Lindevang", "Rosengården"]
GROUPS = ["voksne med udviklingshæmning", "unge med autisme", "borgere med erhvervet hjerneskade",
          "voksne med sindslidelse og samtidigt misbrug", "børn og unge med betydelige udviklingsmæssige vanskeligheder",
          "borgere med udadreagerende adfærd", "unge i overgangen fra børne- til voksenområdet",
          "hjemløse borgere med komplekse behov", "børn med høretab", "voksne med spiseforstyrrelser",
          "borgere med dobbeltdiagnoser", "unge med selvskadende adfærd"]
THEMES = ["Mental sundhed og psykiatri", "Borgere med komplekse udfordringer",
          "Overgangen fra børne- og ungeområdet til voksenområdet", "Faglig kvalitet og dokumentation",
          "Rekruttering og fastholdelse af medarbejdere", "Velfærdsteknologi på botilbudsområdet",
          "Styring af udgifterne på det specialiserede socialområde"]
FORA = ["KL's Koordinationsforum", "Ankestyrelsens Dialogforum", "Socialtilsyn Midt", "KKR Midtjylland",
        "KD-Net", "Takstgruppen", "VISO", "Social- og Boligstyrelsen", "Sundhedsstyrelsen"]
BODIES = [("DASSOS", 0.65), ("Takstgruppen", 0.2), ("KKR Midtjylland", 0.15)]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]


def danish_date(d: date) -> str:
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def short_date(d: date) -> str:
    return f"{d.day}.{d.month}.{d.year}"


def kr(amount: float) -> str:
    return f"{amount:,.0f}".replace(",", ".")


def dec(x: float) -> str:
    """A decimal number written the Danish way: 2,5."""
    return f"{x:.1f}".replace(".", ",")


class Writer:
    """Random but reproducible agenda text; one instance per document."""

    def __init__(self, rng: random.Random, body: str, meeting: date, minutes: bool):
        self.r = rng
        self.body = body
        self.meeting = meeting
        self.minutes = minutes

    # --- small pieces ------------------------------------------------------------------------------

    def pick(self, xs):
        return self.r.choice(xs)

    def person(self) -> str:
        return f"{self.pick(FIRST)} {self.pick(LAST)}"

    def municipality(self) -> str:
        return self.pick(MUNICIPALITIES)

    def offer(self) -> str:
        return f"{self.pick(OFFER_KINDS)} {self.pick(OFFER_NAMES)}"

    def day(self, lo: int, hi: int) -> date:
        return self.meeting + timedelta(days=self.r.randint(lo, hi))

    def presenter(self) -> str:
        return f"Ved {self.person()}, {self.pick(ROLES)} {self.municipality()} Kommune"

    def paragraphs(self, sentences: list[str]) -> list[str]:
        """The item's sentences in a random order, 2-4 to a paragraph; a bullet list stays one paragraph."""
        lists = [x for x in sentences if "\n" in x]
        prose = [x for x in sentences if "\n" not in x]
        self.r.shuffle(prose)
        out = []
        while prose:
            n = self.r.randint(2, 4)
            out.append(" ".join(prose[:n]))
            prose = prose[n:]
        return lists + out

    def common(self) -> list[str]:
        """Sentences any case description may carry, so items vary in length as the real ones do."""
        pool = [
            f"Sagen har tidligere været drøftet på mødet den {danish_date(self.day(-150, -20))}.",
            f"Sekretariatet har udarbejdet et notat, som er udsendt til kommunerne den {danish_date(self.day(-30, -3))}.",
            f"{self.municipality()} Kommune har bedt om, at sagen behandles på dette møde.",
            "Der er enighed i arbejdsgruppen om anbefalingerne.",
            f"Sagen forventes at få betydning for {self.r.randint(2, 19)} kommuner og regionen.",
            f"Økonomien i forslaget svarer til {self.r.randint(1, 40)} mio. kr. over en periode på {self.r.randint(2, 5)} år.",
            f"KKR Midtjylland orienteres om sagen på mødet den {danish_date(self.day(10, 90))}.",
            "Forslaget er i overensstemmelse med styringsaftalen og bekendtgørelsen om rammeaftaler.",
            f"Kontaktperson i sekretariatet er {self.person()}.",
            f"Arbejdsgruppen består af repræsentanter fra {', '.join(self.r.sample(MUNICIPALITIES, 3))} kommuner og Region Midtjylland.",
            "Der vil blive fulgt op på sagen i forbindelse med den årlige status på rammeaftalen.",
            f"Den endelige afrapportering forventes i {MONTHS[self.r.randint(0, 11)]} {self.meeting.year + 1}.",
        ]
        return self.r.sample(pool, self.r.randint(1, 6))

    # --- items -------------------------------------------------------------------------------------

    def capacity(self) -> dict:
        mun, offer, group = self.municipality(), self.offer(), self.pick(GROUPS)
        places = self.r.randint(8, 60)
        change = self.r.choice([-1, 1]) * self.r.randint(2, 24)
        rate = self.r.randint(2400, 9800)
        occupancy = self.r.randint(71, 99)
        verb = "reducere" if change < 0 else "udvide"
        when = self.day(30, 200)
        facts = [
            f"{offer} i {mun} Kommune har i dag {places} pladser til {group}.",
            f"Belægningen har de seneste to år ligget på {occupancy} procent.",
            f"{mun} Kommune ønsker at {verb} tilbuddet med {abs(change)} pladser pr. {danish_date(when)}.",
            f"Døgntaksten er i {self.meeting.year} på {kr(rate)} kr. pr. plads.",
            f"Justeringen forventes at {'reducere' if change < 0 else 'øge'} de samlede driftsudgifter med ca. "
            f"{dec(abs(change) * rate * 365 / 1e6)} mio. kr. årligt.",
            f"De {self.r.randint(2, 9)} kommuner, der aktuelt køber pladser på tilbuddet, er kontaktet forud for justeringen.",
            "Kapacitetsjusteringen er drøftet med de berørte kommuner, som ikke har haft bemærkninger.",
            f"Efterspørgslen efter pladser til {group} er ifølge de kommunale indberetninger "
            f"{self.pick(['stigende', 'faldende', 'uændret', 'svingende'])}.",
        ]
        rule = ("Justeringer på mere end 10 pladser skal godkendes på et DASSOS møde eller via mail med 14 dages høringsfrist."
                if abs(change) > 10 else
                "Justeringer op til 10 pladser kan gennemføres uden forudgående godkendelse, men de berørte kommuner skal kontaktes.")
        return {
            "title": f"Kapacitetsjustering på {offer} ({mun} Kommune)",
            "rec": [f"Godkender at {offer} {verb}s med {abs(change)} pladser" if abs(change) > 10
                    else f"Orienteres om at {offer} {verb}s med {abs(change)} pladser"],
            "body": facts + [rule] + self.common(),
            "annex": [f"Bilag {self.r.randint(1, 9)} – Ansøgning om kapacitetsjustering fra {mun} Kommune"],
        }

    def closure(self) -> dict:
        mun, offer, group = self.municipality(), self.offer(), self.pick(GROUPS)
        places = self.r.randint(3, 30)
        decided = self.day(-90, -10)
        closes = self.day(40, 240)
        sentences = [
            f"{mun} Byråd besluttede den {danish_date(decided)} at lukke {offer}.",
            f"Tilbuddet har {places} pladser til {group} og lukker pr. {danish_date(closes)}.",
            f"Baggrunden er en lav belægning og et økonomisk underskud på {self.r.randint(1, 9)},{self.r.randint(0, 9)} mio. kr.",
            f"Der er aktuelt {self.r.randint(0, places)} borgere fra andre kommuner på tilbuddet.",
            "Borgerne tilbydes plads på andre tilbud i driftskommunen eller i egen kommune.",
            "Lukning af hele tilbud skal uanset antal pladser godkendes i DASSOS.",
            f"De berørte kommuner blev orienteret på et møde den {danish_date(self.day(-60, -5))}.",
        ]
        return {
            "title": f"Godkendelse af lukning af {offer.lower() if offer.startswith('Bo') else offer} ({mun} Kommune)",
            "rec": [f"Godkender lukningen af {offer}"],
            "body": sentences + self.common(),
            "annex": [f"Bilag {self.r.randint(1, 9)} – Beslutningsprotokol fra {mun} Byråd"],
        }

    def tariffs(self) -> dict:
        year = self.meeting.year + 1
        pct = self.r.randint(5, 35) / 10
        over = self.r.randint(30, 55) / 10
        total = self.r.randint(900, 3200)
        sentences = [
            f"Takstgruppen har udarbejdet forslag til takster for {year} for tilbud omfattet af rammeaftalen.",
            f"Den samlede takststigning er på {dec(pct)} procent, hvilket svarer til pris- og lønfremskrivningen.",
            f"Overheadprocenten fastholdes på {dec(over)} procent.",
            f"De samlede udgifter på rammeaftaletilbuddene udgør ca. {kr(total)} mio. kr.",
            f"Styringsaftalen for {year} fastlægger, at takststigninger ud over pris- og lønfremskrivningen skal begrundes.",
            f"Taksterne offentliggøres på Tilbudsportalen senest den {danish_date(date(year - 1, 10, 15))}.",
            f"{self.r.randint(2, 8)} tilbud har en takststigning på mere end 5 procent, primært på grund af ændret målgruppe.",
        ]
        return {
            "title": f"Takster {year} for rammeaftalens tilbud",
            "rec": [f"Godkender taksterne for {year}", "Tager orienteringen om udviklingen i udgifterne til efterretning"],
            "body": sentences + self.common(),
            "annex": [f"Bilag {self.r.randint(1, 9)} – Takstoversigt {year}"],
        }

    def framework(self) -> dict:
        y = self.meeting.year + (1 if self.meeting.month > 6 else 0)
        y = y + (y % 2 == 0)  # agreements start in odd years
        themes = self.r.sample(THEMES, 2)
        sentences = [
            f"DASSOS skal i det kommende år udarbejde Rammeaftale {y}-{str(y + 1)[-2:]}, som skal godkendes i alle byråd og regionsrådet.",
            f"Det foreslås at arbejde videre med ”{themes[0]}” og ”{themes[1]}” som faglige udviklingsområder.",
            f"Forslagene behandles i KKR Midtjylland den {danish_date(self.day(20, 60))}.",
            "Kommunerne har i deres indberetninger vurderet sammenhængen mellem udbud og efterspørgsel.",
            f"Flere kommuner peger på et behov for at udvikle tilbudsviften til {self.pick(GROUPS)}.",
            "Rammeaftalen skal ifølge bekendtgørelsen omhandle faglig udvikling, styring og koordinering af tilbud.",
            f"Processen for rammeaftalen blev godkendt af DASSOS på mødet den {danish_date(self.day(-120, -30))}.",
        ]
        return {
            "title": f"Drøftelse af udviklingsområder i Rammeaftale {y}-{str(y + 1)[-2:]}",
            "rec": ["Drøfter forslagene til faglige udviklingsområder",
                    f"Godkender at der arbejdes videre med ”{themes[0]}”"],
            "body": sentences + self.common(),
            "annex": [f"Bilag {self.r.randint(1, 9)} – Opsamling på kommunale indberetninger"],
        }

    def analysis(self) -> dict:
        group = self.pick(GROUPS)
        n = self.r.randint(120, 2400)
        cost = self.r.randint(40, 900)
        share = self.r.randint(8, 64)
        sentences = [
            f"Sekretariatet har gennemført en analyse af tilbud til {group} i de 19 midtjyske kommuner.",
            f"Analysen omfatter {n} borgere, hvoraf {share} procent er visiteret til et tilbud i en anden kommune.",
            f"De samlede udgifter til målgruppen udgør {cost} mio. kr. om året.",
            f"Udgifterne er steget med {self.r.randint(2, 19)} procent siden {self.meeting.year - self.r.randint(2, 6)}.",
            "Analysen peger på mangel på pladser med høj normering og skærmede fysiske rammer.",
            f"Der er gennemført interviews med {self.r.randint(6, 30)} ledere og medarbejdere fra kommuner og region.",
            "Datagrundlaget er kvalificeret i samarbejde med kommunernes økonomiafdelinger.",
            f"Analysen præsenteres af {self.person()} fra {self.pick(['Rambøll', 'VIVE', 'Deloitte', 'KL', 'sekretariatet'])}.",
        ]
        return {
            "title": f"Analyse af tilbud til {group}",
            "rec": ["Drøfter analysens anbefalinger", "Godkender at sekretariatet udarbejder forslag til opfølgning"],
            "body": sentences + self.common(),
            "annex": [f"Bilag {self.r.randint(1, 9)} – Analyserapport", f"Bilag {self.r.randint(1, 9)} – Datanotat"],
        }

    def orientation(self) -> dict:
        forum = self.pick(FORA)
        met = self.day(-60, -5)
        sentences = [
            f"{forum} holdt møde den {danish_date(met)}.",
            f"På mødet blev der orienteret om {self.pick(['den nye tilsynsmodel', 'udviklingen i udgifterne', 'specialeplanen', 'takstmodellen', 'kapacitetsstyringen på botilbudsområdet', 'de sikrede institutioner'])}.",
            f"Der blev desuden drøftet {self.pick(['samarbejdet med regionen', 'rekruttering af personale', 'brugen af VISO', 'dokumentation af effekt', 'ledsageordningen'])}.",
            f"Næste møde i {forum} afholdes den {danish_date(self.day(40, 120))}.",
            f"Referatet fra mødet eftersendes, når det er godkendt af {forum}.",
            f"{self.person()} deltog fra DASSOS.",
        ]
        return {
            "title": f"Orientering fra {forum}",
            "rec": [f"Orienteres om mødet i {forum}"],
            "body": sentences + self.common(),
            "annex": [],
        }

    def action_plan(self) -> dict:
        y = self.meeting.year
        y = y - (y % 2 == 0)
        done = self.r.randint(2, 9)
        sentences = [
            f"Handlingsplanen for Rammeaftale {y}-{y + 1} indeholder {done + self.r.randint(1, 6)} indsatser.",
            f"{done} indsatser er gennemført eller i gang.",
            f"Der afholdes en konference om {self.pick(THEMES).lower()} den {danish_date(self.day(30, 150))} i {self.municipality()}.",
            f"Arbejdsgruppen om {self.pick(GROUPS)} har afholdt {self.r.randint(2, 8)} møder.",
            "Status på de enkelte indsatser fremgår af bilaget.",
            "Enkelte indsatser er forsinket på grund af manglende ressourcer i kommunerne.",
        ]
        return {
            "title": f"Status på handlingsplanen for Rammeaftale {y}-{y + 1}",
            "rec": ["Orienteres om status på handlingsplanen"],
            "body": sentences + self.common(),
            "annex": [f"Bilag {self.r.randint(1, 9)} – Statusoversigt"],
        }

    def next_items(self) -> dict:
        items = self.r.sample(["Takster for det kommende år", "Status på kapacitetsstyringen", "Rammeaftalens handlingsplan",
                               "Analyse af udgifterne", "Orientering fra Socialtilsyn Midt", "Dialogmøde med regionen",
                               "Kommunale indberetninger", "Lukning af tilbud"], 3)
        return {
            "title": f"Punkter til næste møde i {self.body}",
            "rec": ["Drøfter punkter til næste møde"],
            "body": ["Følgende punkter forventes på dagsordenen til næste møde:\n" + "\n".join(f"• {x}" for x in items),
                     f"Frist for punkter til næste møde er den {danish_date(self.day(20, 40))}.",
                     f"Næste møde afholdes den {danish_date(self.day(40, 70))}."],
            "annex": [],
        }

    def meetings(self) -> dict:
        y = self.meeting.year + 1
        days = sorted({date(y, m, self.r.randint(1, 27)) for m in self.r.sample(range(1, 13), 5)})
        return {
            "title": f"Møder {y}",
            "rec": [f"Godkender mødeplanen for {y}"],
            "body": [f"Der er planlagt følgende møder i {self.body} i {y}:\n" + "\n".join(f"• {danish_date(d)}" for d in days)],
            "annex": [],
        }

    # --- documents ---------------------------------------------------------------------------------

    def item_text(self, number: str, item: dict) -> list[str]:
        lines = [f"{number}     {item['title']}", "", self.presenter(), "", "Indstilling", f"At {self.body}:", ""]
        lines += [f"• {r}" for r in item["rec"]] + ["", "Sagsfremstilling"]
        for p in self.paragraphs(item["body"]):
            lines += wrap(p) + [""]
        if item["annex"]:
            lines += ["Bilag", *item["annex"], ""]
        if self.minutes:
            verb = self.pick(["godkendte indstillingen", "tog orienteringen til efterretning",
                              "drøftede sagen og godkendte indstillingen med de faldne bemærkninger"])
            lines += ["Beslutning", f"{self.body} {verb}.", ""]
        return lines + [""]

    def document(self) -> str:
        decisions = [self.capacity, self.closure, self.tariffs, self.framework, self.analysis]
        orientations = [self.orientation, self.action_plan, self.analysis, self.capacity]
        lines = [f"{MARK} TESTDOKUMENT – genereret af bench/synth.py, ikke et rigtigt dokument", "",
                 f"{self.body} {'referat' if self.minutes else 'dagsorden'} {short_date(self.meeting)}",
                 f"Mødet afholdes {danish_date(self.meeting)} kl. 9.00-12.00 i {self.municipality()}", "",
                 " 1.    Beslutningspunkter ", ""]
        for i in range(1, self.r.randint(4, 8) + 1):
            lines += self.item_text(f"1.{i}", self.pick(decisions)())
        lines += ["2. Orienteringspunkter", ""]
        for i in range(1, self.r.randint(2, 5) + 1):
            lines += self.item_text(f"2.{i}", self.pick(orientations)())
        lines += ["3. Punkter til kommende møder", ""]
        lines += self.item_text("3.1", self.next_items())
        lines += self.item_text("3.2", self.meetings())
        lines += ["3.3. Eventuelt", ""]
        return "\n".join(lines) + "\n"


def wrap(paragraph: str) -> list[str]:
    """Lines of about 95 characters, as text extracted from the real PDFs."""
    out = []
    for block in paragraph.split("\n"):
        out += [line + " " for line in textwrap.wrap(block, 95)] or [""]
    return out


def seed_chars() -> int:
    return sum(len((SEED / e["file"]).read_text(encoding="utf-8")) for e in _seed_entries())


def _seed_entries() -> list[dict]:
    return yaml.safe_load((SEED / "manifest.yaml").read_text(encoding="utf-8"))["documents"]


def build_corpus(out: Path, scale: float, seed: int = 7) -> dict:
    """Write seed documents + SYNTETISK agendas until the corpus holds `scale` x the seed's characters."""
    out = Path(out).resolve()
    if out == SEED.resolve() or SEED.resolve() in out.parents:
        raise ValueError("synthetic documents never go into corpus/; choose another folder")
    marker = out / ".synth.yaml"
    wanted = {"scale": scale, "seed": seed, "seed_chars": seed_chars()}
    if marker.exists() and yaml.safe_load(marker.read_text(encoding="utf-8")) == wanted:
        return _describe(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    entries = []
    total = 0
    for e in _seed_entries():
        shutil.copyfile(SEED / e["file"], out / e["file"])
        total += len((SEED / e["file"]).read_text(encoding="utf-8"))
        entries.append(e)
    target = scale * wanted["seed_chars"]
    rng = random.Random(seed)
    n = 0
    while total < target:
        n += 1
        body = rng.choices([b for b, _ in BODIES], [w for _, w in BODIES])[0]
        meeting = date(2016, 1, 4) + timedelta(days=rng.randint(0, 365 * 11))
        meeting -= timedelta(days=max(0, meeting.weekday() - 4))  # a weekday
        minutes = rng.random() < 0.25
        text = Writer(rng, body, meeting, minutes).document()
        kind = "minutes" if minutes else "agenda"
        slug = {"DASSOS": "dassos", "Takstgruppen": "takstgruppen", "KKR Midtjylland": "kkr"}[body]
        name = f"syntetisk_{n:04d}_{slug}_{meeting.isoformat()}.txt"
        (out / name).write_text(text, encoding="utf-8")
        total += len(text)
        entries.append({"id": f"syntetisk-{n:04d}", "kind": kind, "body": body, "date": meeting,
                        "title": f"{MARK} – {body} {'referat' if minutes else 'dagsorden'} {short_date(meeting)}",
                        "file": name})
    header = (f"# {MARK}: seed documents copied from corpus/ plus {n} synthetic agendas/minutes written by\n"
              f"# bench/synth.py (scale {scale}, seed {seed}). Not real documents; never copy them into corpus/.\n")
    (out / "manifest.yaml").write_text(header + yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    marker.write_text(yaml.safe_dump(wanted), encoding="utf-8")
    return _describe(out)


def _describe(folder: Path) -> dict:
    entries = yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    texts = [(folder / e["file"]).read_text(encoding="utf-8") for e in entries]
    return {"folder": str(folder), "docs": len(entries),
            "synthetic_docs": sum(e["id"].startswith("syntetisk-") for e in entries),
            "chars": sum(len(t) for t in texts), "bytes": sum(len(t.encode()) for t in texts),
            "tokens": sum(len(t.split()) for t in texts)}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=10, help="corpus size as a multiple of the seed corpus (characters)")
    p.add_argument("--out", type=Path, required=True, help="folder to write (replaced); never inside corpus/")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    print(build_corpus(args.out, args.scale, args.seed))


if __name__ == "__main__":
    main()
