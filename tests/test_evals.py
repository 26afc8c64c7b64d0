"""The eval suite: metric functions on hand-made data; the three splits and the stand-ins checked against the real
documents; the per-split gate on real cases and a real eval store (seeds + stand-ins)."""
from __future__ import annotations

import argparse
import ast
import json
import re
from datetime import date
from pathlib import Path

import pytest

from evals import gate, metrics, run, splits, store
from ingest.clean import clean_text, normalize_ws
from ingest.loaders import load_text
from ingest.manifest import load_manifest

ROOT = Path(__file__).resolve().parent.parent

# --- matching --------------------------------------------------------------------------------------


def test_facts_are_case_insensitive_substrings_or_regexes():
    assert metrics.fact_found("dassos", "Godkendes på DASSOS møde")
    assert not metrics.fact_found("Forretningsudvalg", "Godkendes på DASSOS møde")
    date_fact = {"regex": r"(?<![0-9])(2026-03-17|17\.? ?marts,? 2026)"}
    assert metrics.fact_found(date_fact, "Fristen udløber 17. Marts 2026.")
    assert not metrics.fact_found({"regex": r"(?<![0-9])1\. maj"}, "den 11. maj")


def test_source_matches_by_item_number_or_contained_text():
    item = {"doc_id": "dassos-2022-05-05", "section": "1.5", "text": "..."}
    assert metrics.source_matches({"doc": "dassos-2022-05-05", "section": "1.5."}, item)  # trailing dot
    assert not metrics.source_matches({"doc": "dassos-2026-02-27", "section": "1.5"}, item)  # other doc
    note = {"doc_id": "org-2023", "section": "", "text": "op til 10\n  pladser uden forudgående godkendelse"}
    assert metrics.source_matches({"doc": "org-2023", "contains": "op til 10 pladser uden"}, note)
    assert not metrics.source_matches({"doc": "org-2023", "contains": "Op til 10 pladser"}, note)  # case-sensitive


def test_recall_at_k_and_mrr():
    src = [{"doc": "a", "section": "1.1"}]
    passages = [{"doc_id": "b", "section": "1.1"}, {"doc_id": "a", "section": "2.1"}, {"doc_id": "a", "section": "1.1"}]
    assert metrics.first_relevant_rank(src, passages) == 3
    assert metrics.first_relevant_rank(src, passages[:2]) is None
    ranks = [1, 3, None, 2]
    assert metrics.recall_at_k(ranks, 1) == 0.25
    assert metrics.recall_at_k(ranks, 3) == 0.75
    assert metrics.recall_at_k(ranks, 5) == 0.75
    assert metrics.mrr(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)
    assert metrics.mrr([]) is None


def test_field_values_compare_as_the_golden_set_says():
    assert metrics.values_equal("2026-03-17", date(2026, 3, 17))
    assert metrics.values_equal("Hvert  Kvartal", "hvert kvartal")
    assert metrics.values_equal(["DASSOS", "Forretningsudvalget"], ["forretningsudvalget", "DASSOS"])
    assert not metrics.values_equal(["DASSOS"], ["DASSOS", "Forretningsudvalget"])
    assert metrics.values_equal(None, None)
    assert not metrics.values_equal(None, False) and not metrics.values_equal(False, None)
    assert not metrics.values_equal(True, 1)
    assert metrics.values_equal(10, 10.0)
    got = {"approval_required": None, "threshold": 10}
    assert metrics.field_mismatches({"approval_required": None, "threshold": 10}, got) == {}
    assert metrics.field_mismatches({"approvers": ["DASSOS"]}, got) == {"approvers": (["DASSOS"], None)}


def _record(answer="", tools=(), abstained=False, citations=(), ms=10.0):
    return {"answer": answer, "abstained": abstained, "tool_calls": [{"name": n, "args": {}, "result": r} for n, r in tools],
            "citations": list(citations), "citation_error": None, "error": None, "ms": ms}


def test_tool_selection_and_exactness():
    case = {"id": "c", "category": "rule_capacity", "expected_tool": "capacity_adjustment",
            "expected_fields": {"approval_required": True, "approvers": ["DASSOS"]}}
    right = _record(tools=[("capacity_adjustment", {"fields": {"approval_required": True, "approvers": ["DASSOS"]}})])
    wrong = _record(tools=[("capacity_adjustment", {"fields": {"approval_required": None, "approvers": ["DASSOS"]}})])
    assert metrics.tool_selected(case, right) and metrics.tool_exact(case, right)
    assert metrics.tool_exact(case, wrong) is False
    assert metrics.tool_selected(case, _record()) is False and metrics.tool_exact(case, _record()) is False
    doc_case = {"id": "d", "category": "document"}
    assert metrics.tool_selected(doc_case, _record(tools=[("find_decisions", {})]))
    assert metrics.tool_selected(doc_case, _record(tools=[("who_chairs", {})])) is False
    assert metrics.tool_selected({"id": "f", "category": "rule_framework"}, _record()) is None  # not judged


def test_abstention_precision_recall_and_percentiles():
    # (actual, predicted): 2 true positives, 1 false positive, 1 false negative
    pairs = [(True, True), (True, True), (False, True), (True, False), (False, False)]
    assert metrics.precision_recall(pairs) == (2 / 3, 2 / 3)
    assert metrics.precision_recall([(False, False)]) == (None, None)
    assert metrics.percentile([5, 1, 4, 2, 3], 50) == 3
    assert metrics.percentile(list(range(1, 101)), 95) == 95


def test_answer_metrics_on_hand_made_records():
    cases = [
        {"id": "a", "category": "document", "abstain": False, "expected_facts": ["Viborg", {"regex": "kvartal"}],
         "expected_sources": [{"doc": "org-2023", "contains": "Takstgruppen"}]},
        {"id": "b", "category": "abstain_outside", "abstain": True, "expected_facts": []},
    ]
    cite_ok = {"quote": "formand fra Viborg Kommune", "doc_id": "org-2023", "section": "", "text": "x"}
    cite_off = {"quote": "noget andet", "doc_id": "org-2019", "section": "", "text": "Takstgruppen"}
    records = {"a": _record("Viborg Kommune er formand [1].", citations=[cite_ok, cite_off], ms=100),
               "b": _record("Det siger dokumenterne ikke noget om.", abstained=True, ms=300)}
    m = metrics.answer_metrics(cases, records)
    assert m["fact_accuracy"] == 0.5 and m["fact_case_accuracy"] == 0.0
    assert m["citation_precision"] == 0.5  # the org-2019 chunk is not an expected source
    assert m["tool_selection_accuracy"] == 1.0 and m["rule_tool_exactness"] is None
    assert (m["abstention_precision"], m["abstention_recall"]) == (1.0, 1.0)
    assert m["citation_violations"] == 0 and m["latency_p50_ms"] == 100


def test_gate_and_suggested_thresholds():
    assert metrics.gate({"x": 0.9, "y": 0.5, "z": None}, {"x": 0.9, "y": 0.6, "z": 0.1}) == ["y", "z"]
    assert metrics.suggest_threshold(0.8571) == pytest.approx(0.83)
    assert metrics.suggest_threshold(1.0) == pytest.approx(0.98)
    assert metrics.suggest_threshold(0.01) == 0.0


def test_thresholds_file_gates_every_metric_of_every_split():
    thresholds = gate.load_thresholds()
    for split in splits.SPLITS:
        expected = {f"{split}.retrieval.{m}" for m in gate.GATED_RETRIEVAL}
        expected |= {f"{split}.deterministic.{m}" for m in gate.GATED_ANSWERS}
        assert expected <= set(thresholds), sorted(expected - set(thresholds))
    assert thresholds["dev.deterministic.rule_tool_exactness"] == 1.0
    assert thresholds["dev.retrieval.recall@5"] >= 0.83  # never below the dev minimum of the seed-only era


# --- the splits against the real documents ----------------------------------------------------------

def _documents() -> dict[str, str]:
    """Cleaned text of every seed and stand-in document, by id, through the real loaders (HTML included)."""
    out = {}
    for manifest in (ROOT / "corpus" / "manifest.yaml", *store.STAND_IN_MANIFESTS):
        for entry in load_manifest(manifest):
            out[entry.id] = clean_text(load_text(manifest.parent / entry.file))
    return out


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return _documents()


@pytest.fixture(scope="module")
def all_cases() -> dict[str, list[dict]]:
    return {split: splits.load_cases(split) for split in splits.SPLITS}


@pytest.mark.parametrize("split", splits.SPLITS)
def test_every_source_of_every_split_is_in_its_document(split, all_cases, documents):
    for case in all_cases[split]:
        for source in case.get("expected_sources") or []:
            assert source["doc"] in documents, (case["id"], source["doc"])
            text = documents[source["doc"]]
            if "contains" in source:
                assert source["contains"] in normalize_ws(text), (case["id"], source["contains"])
            if "section" in source:
                assert re.search(rf"^{re.escape(str(source['section']))}\.?\s", text, re.M), (case["id"], source)


@pytest.mark.parametrize("split", splits.SPLITS)
def test_split_sizes_abstentions_and_schema(split, all_cases):
    cases = all_cases[split]
    least_cases, least_abstentions = splits.MINIMUM_SIZE[split]
    assert len(cases) >= least_cases
    assert sum(1 for c in cases if c["abstain"]) >= least_abstentions
    for c in cases:
        assert isinstance(c["as_of"], date) and c["lang"] in ("da", "en"), c["id"]
        assert c["note"].strip(), c["id"]
        for fact in c.get("expected_facts") or []:
            if isinstance(fact, dict):
                re.compile(fact["regex"])
        if c["abstain"]:
            assert not (c.get("expected_facts") or c.get("expected_sources") or c.get("expected_fields")), c["id"]
        else:
            assert c.get("expected_facts") and c.get("expected_sources"), c["id"]
        if c.get("expected_fields"):
            assert c.get("expected_tool") in metrics.RULE_TOOLS, c["id"]


def test_ids_are_unique_across_splits_and_held_out_splits_mix_languages(all_cases):
    ids = [c["id"] for cases in all_cases.values() for c in cases]
    assert len(ids) == len(set(ids))
    for split in splits.HELD_OUT:
        langs = [c["lang"] for c in all_cases[split]]
        assert langs.count("da") > langs.count("en") > 0, split


def test_test_split_covers_every_rule_tool_and_the_two_organisation_notes(all_cases):
    cases = all_cases["test"]
    assert {c.get("expected_tool") for c in cases} >= set(metrics.RULE_TOOLS)
    cited = {s["doc"] for c in cases for s in c.get("expected_sources") or []}
    assert cited == {e.id for e in load_manifest(ROOT / "corpus" / "manifest.yaml")}
    dates = {c["as_of"] for c in cases if c.get("expected_tool") == "capacity_adjustment"}
    assert any(d.year < 2023 for d in dates) and any(d.year >= 2023 for d in dates)  # both organisation notes


def test_ooc_split_asks_about_every_stand_in_and_about_the_seeds(all_cases):
    stand_ins = {e.id for e in load_manifest(store.OOC_MANIFEST)}
    cited = {s["doc"] for c in all_cases["ooc"] for s in c.get("expected_sources") or []}
    assert stand_ins <= cited and cited - stand_ins  # the stand-ins, and seed questions with stand-in competitors


def test_stand_ins_are_marked_and_are_not_in_the_app_corpus():
    seeds = {e.id for e in load_manifest(ROOT / "corpus" / "manifest.yaml")}
    entries = load_manifest(store.OOC_MANIFEST)
    assert len(entries) >= 4 and {e.kind for e in entries} >= {"agenda", "minutes", "agreement"}
    assert any(e.file.endswith(".html") for e in entries)
    for manifest in store.STAND_IN_MANIFESTS:
        for e in load_manifest(manifest):
            assert e.origin == "stand-in" and "STAND-IN" in e.title, e.id
            assert e.id not in seeds
            assert "STAND-IN" in load_text(manifest.parent / e.file)[:400], e.file
    dev_ids = {e.id for e in load_manifest(store.DEV_MANIFEST)}
    assert dev_ids and not dev_ids & {e.id for e in entries}  # the dev stand-ins are not the held-out ones
    assert all(e.origin is None for e in load_manifest(ROOT / "corpus" / "manifest.yaml"))


def test_combined_corpus_merges_both_manifests(tmp_path):
    corpus = store.combined_corpus(tmp_path / "corpus", [ROOT / "corpus" / "manifest.yaml", store.OOC_MANIFEST])
    ids = [e.id for e in load_manifest(corpus / "manifest.yaml")]
    assert len(ids) == len(load_manifest(ROOT / "corpus" / "manifest.yaml")) + len(load_manifest(store.OOC_MANIFEST))
    before = {p.name: p.stat().st_mtime_ns for p in corpus.iterdir()}
    store.combined_corpus(tmp_path / "corpus", [ROOT / "corpus" / "manifest.yaml", store.OOC_MANIFEST])
    assert {p.name: p.stat().st_mtime_ns for p in corpus.iterdir()} == before  # unchanged: nothing rewritten


def test_eval_never_uses_the_app_store(tmp_path):
    with pytest.raises(ValueError, match="app's index folder"):
        store.eval_store_dir(tmp_path / "app-store", tmp_path / "app-store")
    assert store.eval_store_dir(None, tmp_path / "app-store") == store.DEFAULT_STORE
    assert splits.chosen("all") == splits.SPLITS and splits.chosen("ooc") == ("ooc",)
    with pytest.raises(ValueError):
        splits.chosen("train")


def test_evals_import_neither_the_cli_nor_each_other_in_a_cycle():
    imports: dict[str, set[str]] = {}
    for path in (ROOT / "evals").glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
        imports[path.stem] = names
    assert not any("assistant.cli" in names for names in imports.values())
    assert "evals.run" not in imports["report"] and "evals.report" not in imports["gate"]


# --- the per-split gate on real cases and a real eval store ------------------------------------------

SUBSET = {"dev": ["cap-002", "hear-001", "chair-001", "doc-004", "doc-023", "past-001", "xl-001", "abs-001", "adv-006"],
          "test": ["t-cap-02", "t-mtg-05", "t-doc-12", "t-doc-16", "t-xl-03", "t-abs-12"],
          "ooc": ["o-nss-07", "o-had-03", "o-sj-01", "o-h-04", "o-seed-02", "o-abs-04"]}


@pytest.fixture(scope="module")
def eval_store(seed_store, tmp_path_factory):
    """The eval store (seeds + stand-ins); the seed vectors come from the session's seed store."""
    path = tmp_path_factory.mktemp("eval-store")
    _, report = store.build_eval_store(path, ROOT / "corpus", "e5-small", app_store=seed_store)
    assert not report.failed, report.failed
    assert report.docs == len(load_manifest(ROOT / "corpus" / "manifest.yaml")) + sum(
        len(load_manifest(m)) for m in store.STAND_IN_MANIFESTS)
    _, again = store.build_eval_store(path, ROOT / "corpus", "e5-small")
    assert again.up_to_date  # an unchanged corpus is not rebuilt
    return path


@pytest.fixture(scope="module")
def subset():
    by_id = {c["id"]: c for split in splits.SPLITS for c in splits.load_cases(split)}
    return {split: [by_id[i] for i in ids] for split, ids in SUBSET.items()}


@pytest.fixture(scope="module")
def subset_results(eval_store, subset):
    from assistant.api import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=eval_store, corpus_dir=eval_store / store.CORPUS, llm_provider="none")
    return run.run_splits(Assistant(settings), subset, ["deterministic"])


@pytest.fixture(scope="module")
def subset_thresholds(subset_results):
    """The subset's own minimums: just under an unpatched run (even the must-be-perfect metrics are taken as
    measured: the planner is being rewritten; thresholds.yaml holds the real minimums)."""
    return gate.suggested_thresholds(subset_results, perfect=())


def _eval(monkeypatch, tmp_path, eval_store, subset, thresholds, split="all") -> int:
    monkeypatch.setattr(run, "load_cases", lambda name: subset[name])
    monkeypatch.setattr(run, "load_thresholds", lambda: thresholds)
    monkeypatch.setenv("ASSISTANT_LLM_PROVIDER", "none")
    args = argparse.Namespace(report=str(tmp_path / "report.md"), store=str(eval_store), planner=None, no_gate=False,
                              split=split)
    return run.main(args)


@pytest.mark.slow
def test_real_subset_passes_its_own_thresholds_and_reports_every_split(monkeypatch, tmp_path, eval_store, subset,
                                                                       subset_thresholds, capsys):
    assert _eval(monkeypatch, tmp_path, eval_store, subset, subset_thresholds) == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["failing"] == [] and list(report["splits"]) == list(splits.SPLITS)
    for split, ids in SUBSET.items():
        assert report["splits"][split]["cases"] == len(ids)
        assert set(report["splits"][split]["retrieval"]) == {"keyword", "dense", "hybrid"}
    # held-out splits: aggregates only, no per-case answers to tune on
    assert "records" in report["splits"]["dev"]["planners"]["deterministic"]
    assert "records" not in report["splits"]["test"]["planners"]["deterministic"]
    assert "ranks" not in report["splits"]["ooc"]["retrieval"]["hybrid"]
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert all(f"## Split `{s}`" in markdown for s in splits.SPLITS)
    assert not any(i in markdown for i in SUBSET["test"] + SUBSET["ooc"])
    header = capsys.readouterr().out.splitlines()[0].split()
    assert header[:2] == ["metric", "dev"] and "test" in header and "ooc" in header  # side by side on stdout


@pytest.mark.slow
def test_gate_fails_only_the_split_whose_metric_is_under_its_minimum(subset_results, subset_thresholds):
    assert gate.gate(subset_results, subset_thresholds) == []
    for split in splits.SPLITS:
        name = f"{split}.deterministic.fact_accuracy"
        measured = gate.measured(subset_results)[name]
        assert measured is not None
        raised = subset_thresholds | {name: measured + 0.01}
        assert gate.gate(subset_results, raised) == [name]


@pytest.mark.slow
def test_one_split_runs_alone_and_other_splits_minimums_do_not_apply(monkeypatch, tmp_path, eval_store, subset,
                                                                     subset_thresholds):
    impossible = subset_thresholds | {"dev.retrieval.recall@5": 1.01, "ooc.retrieval.recall@5": 1.01}
    assert _eval(monkeypatch, tmp_path, eval_store, subset, impossible, split="test") == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert list(report["splits"]) == ["test"]


@pytest.mark.slow
def test_planted_regression_empty_retriever_fails_every_split(monkeypatch, tmp_path, eval_store, subset,
                                                              subset_thresholds, capsys):
    from assistant.retrieval import Retriever

    for split in splits.SPLITS:
        assert subset_thresholds[f"{split}.retrieval.recall@5"] > 0.5  # the unpatched subset does retrieve
    monkeypatch.setattr(Retriever, "search", lambda self, *a, **kw: [])
    assert _eval(monkeypatch, tmp_path, eval_store, subset, subset_thresholds) == 1
    err = capsys.readouterr().err
    for split in splits.SPLITS:
        assert f"GATE FAILED: {split}.retrieval.recall@5" in err and f"GATE FAILED: {split}.retrieval.mrr" in err


@pytest.mark.parametrize("question", [
    # No region is named: the offer and the agreement are only in another region's documents (evals/dev_corpus).
    "Hvor mange dages høringsfrist har forslaget om at udvide Fjordhuset, og hvornår udløber den?",
    "How many days before a capacity change takes effect must a change below the de minimis threshold be "
    "reported to the secretariat of Rammeaftalen Syd?",
])
def test_a_name_only_other_regions_documents_hold_sends_the_question_to_them(eval_store, question):
    from datetime import date

    from assistant.api import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=eval_store, corpus_dir=eval_store / store.CORPUS, llm_provider="none")
    ans = Assistant(settings).ask(question, as_of=date(2026, 9, 15))
    assert not ans.tool_calls and ans.slots.get("other_scope"), (ans.route, ans.slots)
    assert ans.citations and all(c.doc_id.startswith("dev-") for c in ans.citations[:1]), ans.answer
    assert "DASSOS" not in ans.answer


def test_documents_of_our_own_scope_keep_the_rule_tools(eval_store):
    from datetime import date

    from assistant.api import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=eval_store, corpus_dir=eval_store / store.CORPUS, llm_provider="none")
    ans = Assistant(settings).ask("Skal lukningen af Kollegiet med 7 pladser godkendes?", as_of=date(2026, 3, 1))
    assert ans.tool_calls and ans.tool_calls[0].name == "capacity_adjustment", ans.route


def test_a_word_only_unrelated_documents_use_does_not_make_the_subject_answerable(eval_store):
    """"døgn" is in another region's minutes, not in the documents about the offer asked about: still silent."""
    from datetime import date

    from assistant.api import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=eval_store, corpus_dir=eval_store / store.CORPUS, llm_provider="none")
    ans = Assistant(settings).ask("Hvad er taksten pr. døgn på Botilbuddene Rodskovvej?", as_of=date(2026, 3, 1))
    assert ans.abstained, ans.answer


def _ask_stand_ins(eval_store, question: str):
    from datetime import date

    from assistant.api import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=eval_store, corpus_dir=eval_store / store.CORPUS, llm_provider="none")
    return Assistant(settings).ask(question, as_of=date(2026, 9, 15))


def test_a_danish_count_is_read_in_an_english_page_through_the_glossary(eval_store):
    """"byråd" stands in the English page as "city councils" beside the number (glossary.in_place)."""
    ans = _ask_stand_ins(eval_store, "Hvor mange byråd har godkendt den rammeaftale, som gælder i Nordjylland nu?")
    assert not ans.abstained, ans.answer
    assert "11 city councils" in ans.answer.split("\n")[1], ans.answer
    assert ans.citations[0].doc_id == "dev-rammeaftale-nord-english"


def test_an_ordinary_danish_word_is_not_required_of_danish_passages_beside_an_english_one(eval_store):
    """"gælder" is in the index but not in the other region's Danish minutes; the English page among the best
    passages may say it in English ("current"), so the word is no reason to abstain."""
    ans = _ask_stand_ins(eval_store, "Hvilke år dækker den rammeaftale, der gælder i Nordjylland nu?")
    assert not ans.abstained, ans.answer
    assert "1 January 2026 to 31 December 2027" in ans.answer


def test_a_when_question_is_answered_by_days_before_a_heading_with_a_year(eval_store):
    """The table of meeting days stands under "Meetings of SDK-N in 2026": the heading's words count for the table
    (read in Danish), and a year alone answers "hvornår" less than a day does."""
    ans = _ask_stand_ins(eval_store, "Hvornår er der næste gang møde i Socialdirektørkredsen Nordjylland, og hvor?")
    first = ans.answer.split("\n")[1]
    assert "1 October 2026 10.00-13.00 Thisted" in first, ans.answer


def test_english_domain_phrases_are_read_in_danish_where_they_stand():
    from assistant.glossary import in_place

    text = in_place("It has been approved by all 11 city councils and covers about 3,100 places.")
    assert "11 city councils byråd" in text and "3,100 places pladser" in text


def test_a_danish_month_finds_the_english_name_of_it_by_keyword(eval_store):
    """"oktober" is searched as "october" too (rules/data/glossary.yaml): the English page's table of meeting days
    is the keyword search's first passage."""
    from datetime import date

    from assistant.api import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=eval_store, corpus_dir=eval_store / store.CORPUS, llm_provider="none")
    hits = Assistant(settings).search("Hvornår mødes Socialdirektørkredsen Nordjylland i oktober, og hvor?", k=20,
                                      as_of=date(2026, 9, 15))
    table = next(h for h in hits if "1 October 2026" in h.chunk.text)
    assert table.ranks["keyword"] == 1, table.ranks


def test_an_expense_is_an_amount_and_is_asked_of_the_thing_the_question_names(eval_store):
    """"anlægsudgiften" asks for an amount: the 4,2 mio. kr. of another item in the same minutes (an expansion) does
    not answer it for the closure the question names."""
    other = _ask_stand_ins(eval_store, "Hvad er anlægsudgiften for at lukke Kildegården?")
    assert other.abstained, other.answer
    same = _ask_stand_ins(eval_store, "Hvad er anlægsudgiften ved udvidelsen af Ågården?")
    assert not same.abstained and "4,2 mio. kr." in same.answer.split("\n")[1], same.answer


def test_a_why_question_touching_the_hearing_rule_is_answered_from_the_minutes(eval_store):
    """No rule gives a cause; "disability policy" / "extended" are read as handicappolitik / forlænges."""
    ans = _ask_stand_ins(eval_store, "Why was the hearing deadline for the disability policy extended?")
    assert not ans.tool_calls and not ans.abstained, ans.answer
    assert "sommerferien" in ans.answer.split("\n")[1], ans.answer


@pytest.fixture(scope="module")
def protocol_store(eval_store, tmp_path_factory):
    """The eval store with three stand-ins in layouts no other document has, added as uploads: a decision protocol
    ("Ad 2. …", "Resumé:", "Rådets drøftelse:", a header of "Til stede" / "Protokolfører"), an excerpt of an
    invented region's steering agreement ("§ 2.", "Stk. 2.") whose body is "KKR <that region>", and that body's
    decisions as a Markdown table ("| Pkt. | Emne | Beslutning |")."""
    import shutil
    from datetime import date

    from ingest.index import build_index
    from ingest.pipeline import stage_upload

    path = tmp_path_factory.mktemp("protocol") / "store"
    shutil.copytree(eval_store, path)
    data = ROOT / "tests" / "data"
    entries = [
        stage_upload(path, "handicapraad.txt", (data / "handicapraad-beslutningsprotokol.txt").read_bytes(),
                     title="Handicaprådet, beslutningsprotokol 2.9.2026", kind="minutes",
                     body="Handicaprådet (Aarhus Kommune)", on=date(2026, 9, 2)),
        stage_upload(path, "styringsaftale.txt", (data / "styringsaftale-uddrag.txt").read_bytes(),
                     title="Styringsaftale 2027-2028 (uddrag)", kind="agreement", body="KKR Vestfyn",
                     on=date(2026, 4, 30)),
        stage_upload(path, "beslutningsreferat.txt", (data / "beslutningsreferat-tabel.txt").read_bytes(),
                     title="KKR Vestfyn, beslutningsreferat 10.6.2026", kind="minutes", body="KKR Vestfyn",
                     on=date(2026, 6, 10)),
    ]
    report = build_index(path / store.CORPUS, path, "e5-small", add=entries)
    assert all(e.id in report.added for e in entries), report.failed
    return path


def _ask_protocol(protocol_store, question: str):
    from datetime import date

    from assistant.api import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=protocol_store, corpus_dir=protocol_store / store.CORPUS, llm_provider="none")
    return Assistant(settings).ask(question, as_of=date(2026, 9, 15))


def test_what_a_cost_question_prices_must_stand_beside_the_amount(protocol_store):
    """"Hvad koster boligstrategien?": the protocol gives no amount, and another document's "Udvidelsen koster 2,3
    mio. kr." prices something else."""
    ans = _ask_protocol(protocol_store, "Hvad koster boligstrategien?")
    assert ans.abstained, ans.answer
    assert not _ask_protocol(protocol_store, "Hvor mange nye botilbudspladser lægger boligstrategien op til?").abstained


@pytest.mark.parametrize("question,quoted", [
    ("Hvor mange pladser må en driftsherre i Vestfyn ændre kapaciteten med uden godkendelse?", "indtil 5 pladser"),
    ("Hvem skal godkende lukning af et tilbud i Vestfyn?", "Styregruppen for Socialområdet Vestfyn"),
])
def test_another_regions_kkr_is_not_ours_and_its_agreement_answers(protocol_store, question, quoted):
    """The agreement's body is "KKR Vestfyn": an acronym the rules know before another place's name is that place's
    body, so the capacity rule of our region does not answer for it."""
    ans = _ask_protocol(protocol_store, question)
    assert not ans.tool_calls and not ans.abstained, (ans.route, ans.answer)
    assert quoted in ans.answer.split("\n")[1], ans.answer


def test_a_sentence_that_points_back_is_quoted_with_the_day_before_it(protocol_store):
    """"Samtidig ophæves Styringsaftale 2025-2026." names the agreement and only its years; the sentence before it
    gives the day ("træder i kraft den 1. januar 2027")."""
    ans = _ask_protocol(protocol_store, "Hvornår udløber Styringsaftale 2025-2026 i Vestfyn?")
    assert not ans.abstained, ans.answer
    assert "1. januar 2027. Samtidig ophæves" in ans.answer.split("\n")[1], ans.answer


@pytest.mark.parametrize("question,row", [
    ("Hvor mange penge søger Vestfyn fra botilbudspuljen?", "| 3 | Udmøntning af botilbudspuljen |"),
    ("Hvorfor blev fælles indkøb af hjælpemidler udsat?", "| 4 | Fælles indkøb af hjælpemidler |"),
])
def test_a_table_row_is_quoted_alone(protocol_store, question, row):
    """Each row of a Markdown table is a sentence of its own (read with the header row's words), so the quote is
    the row that answers, not the whole table."""
    ans = _ask_protocol(protocol_store, question)
    first = ans.answer.split("\n")[1]
    assert not ans.abstained and row in first and first.count("| | ") == 0, ans.answer
