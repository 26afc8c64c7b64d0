"""The build layout: chunks and keyword postings in SQLite, read per hit, equal to the in-memory BM25 of before."""
from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date

import pytest

from ingest.index import build_index
from ingest.layout import CURRENT, INDEX_DB, Build, IndexMissing, read_chunks, read_current
from ingest.text import tokenize

from .conftest import CORPUS

QUERIES = ["herberg Viborg", "godkendelse af kapacitetsændringer i DASSOS", "takster 2026 takstaftale",
           "formand for DASSOS", "socialtilsyn regler ikrafttræden", "xyzzy ukendt ord", ""]


def reference_bm25(texts: list[str], query: str) -> dict[int, float]:
    """BM25 as ingest/keyword.py computed it from the whole keyword.json (k1=1.5, b=0.75), written out anew."""
    docs = [Counter(tokenize(t)) for t in texts]
    lengths = [sum(d.values()) for d in docs]
    avgdl, n = sum(lengths) / len(lengths), len(docs)
    scores: dict[int, float] = {}
    for term in set(tokenize(query)):
        holders = [i for i, d in enumerate(docs) if term in d]
        if not holders:
            continue
        idf = math.log(1 + (n - len(holders) + 0.5) / (len(holders) + 0.5))
        for i in holders:
            tf = docs[i][term]
            scores[i] = scores.get(i, 0.0) + idf * tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * lengths[i] / avgdl))
    return scores


@pytest.mark.parametrize("query", QUERIES)
def test_sqlite_bm25_scores_equal_the_reference(seed_store, query):
    build = Build(seed_store, read_current(seed_store))
    chunks = read_chunks(seed_store, build.build_id)
    expected = reference_bm25([c.context_text() for c in chunks], query)
    got = build.keyword_search(query, k=len(chunks))
    assert len(got) == len(expected)
    by_id = {c.id: i for i, c in enumerate(chunks)}
    for cid, score in got:
        assert score == pytest.approx(expected[by_id[cid]], rel=1e-12)
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


def test_keyword_search_filters_by_document(seed_store):
    build = Build(seed_store, read_current(seed_store))
    everything = build.keyword_search("DASSOS", k=len(build.chunks))
    some_doc = build.chunks[everything[-1][0]].doc_id
    only = build.keyword_search("DASSOS", k=50, allowed_docs={some_doc})
    assert only and all(build.chunks[cid].doc_id == some_doc for cid, _ in only)
    assert [x for x in everything if build.chunks[x[0]].doc_id == some_doc] == only
    assert build.keyword_search("DASSOS", k=50, allowed_docs=set()) == []


def test_chunk_table_reads_by_id_and_by_document(seed_store):
    build = Build(seed_store, read_current(seed_store))
    chunks = read_chunks(seed_store, build.build_id)
    assert len(build.chunks) == len(chunks) and list(build.chunks) == [c.id for c in chunks]
    assert build.chunks[chunks[3].id] == chunks[3]
    assert build.chunks.many([chunks[1].id, "no-such-id", chunks[0].id]) == {chunks[0].id: chunks[0],
                                                                               chunks[1].id: chunks[1]}
    doc = chunks[0].doc_id
    assert build.chunks.of_document(doc) == [c for c in chunks if c.doc_id == doc]
    with pytest.raises(KeyError):
        build.chunks["no-such-id"]


def test_a_rule_question_reads_only_the_cited_documents_chunks(seed_settings, monkeypatch):
    from assistant.api import Assistant
    from ingest.layout import ChunkTable

    assistant = Assistant(seed_settings.with_(llm_provider="none"))
    read: list[str] = []
    real = ChunkTable.of_document
    monkeypatch.setattr(ChunkTable, "of_document", lambda self, doc_id: read.append(doc_id) or real(self, doc_id))

    def no_scan(self):
        raise AssertionError("a rule question scanned the whole chunk table")

    monkeypatch.setattr(ChunkTable, "values", no_scan)
    monkeypatch.setattr(ChunkTable, "__iter__", no_scan)
    ans = assistant.ask("Skal en udvidelse med 11 pladser godkendes i DASSOS?", as_of=date(2026, 3, 1))
    assert ans.citations and not ans.abstained
    assert set(read) == {c.doc_id for c in ans.citations}


def test_a_format_1_build_says_rebuild_and_ingest_rebuilds_it(store_copy):
    """A store written before index.sqlite: one sentence to the reader, and `assistant ingest` replaces it."""
    from assistant.store import LiveIndex

    record = read_current(store_copy)
    build = store_copy / "builds" / record["build_id"]
    chunks = read_chunks(store_copy, record["build_id"])
    (build / "chunks.jsonl").write_text("".join(json.dumps(c.to_dict()) + "\n" for c in chunks), encoding="utf-8")
    (build / INDEX_DB).unlink()
    del record["format"]
    (store_copy / CURRENT).write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(IndexMissing, match="earlier version.*assistant ingest"):
        LiveIndex(store_copy, "e5-small")
    assert read_chunks(store_copy, record["build_id"]) == chunks  # the writer still reads it, to carry documents
    report = build_index(CORPUS, store_copy, "e5-small")
    assert not report.up_to_date and report.embedded == 0
    idx = LiveIndex(store_copy, "e5-small")
    assert len(idx.chunks) == len(chunks) and idx.keyword.df(tokenize("DASSOS")[0]) > 0


def test_query_expansion_skips_terms_the_index_lacks(seed_settings, monkeypatch):
    from assistant import glossary
    from assistant.api import Assistant
    from assistant.retrieval import Retriever

    # The seed index holds every Danish term of the glossary; add one that no document uses.
    monkeypatch.setitem(glossary.EN_DA, "unicorn", "enhjørning")
    phrases, matcher = glossary._compile(glossary.EN_DA)
    monkeypatch.setattr(glossary, "_PHRASES", phrases)
    monkeypatch.setattr(glossary, "_MATCHER", matcher)
    retriever = Retriever(Assistant(seed_settings.with_(llm_provider="none")).index)
    assert all(retriever._indexed(da) for p, da in glossary.EN_DA.items() if p != "unicorn")
    question = "Who is the chair of the unicorn?"
    assert "enhjørning" in glossary.expand_query(question)
    expanded = glossary.expand_query(question, keep=retriever._indexed)
    assert glossary.EN_DA["chair"] in expanded and "enhjørning" not in expanded
    hits = retriever.search(question, k=5, as_of=date(2026, 3, 1))
    assert any("formand" in h.chunk.text.lower() for h in hits)


def test_embedded_build_is_searched_by_its_own_matrix_as_chroma_ranks_it(seed_store):
    """vectors.npy holds the vectors Chroma holds, in chunk order: the same neighbours, with and without a filter."""
    from assistant.store import LiveIndex
    from ingest.embeddings import get_embeddings

    idx = LiveIndex(seed_store, "e5-small")
    assert idx.build.vectors is not None
    collection, model = idx.collection(), get_embeddings("e5-small")
    some_docs = set(sorted(idx.document_info())[:2])
    for query in QUERIES[:5]:
        vec = model.embed_query(query)
        ours = idx.build.dense_search(vec, 10)
        chroma = collection.query(query_embeddings=[vec], n_results=10, include=["distances"])
        assert [cid for cid, _ in ours] == chroma["ids"][0]
        assert [round(s, 4) for _, s in ours] == [round(1 - d, 4) for d in chroma["distances"][0]]
        filtered = idx.build.dense_search(vec, 5, some_docs)
        assert filtered and {idx.chunks[cid].doc_id for cid, _ in filtered} <= some_docs
        where = collection.query(query_embeddings=[vec], n_results=5, where={"doc_id": {"$in": sorted(some_docs)}})
        assert [cid for cid, _ in filtered] == where["ids"][0]
    assert idx.build.dense_search(model.embed_query("herberg"), 5, set()) == []


def test_a_document_question_in_a_new_process_does_not_load_chromadb(seed_store):
    """Importing chromadb costs about 0.9 s of a cold document question; an embedded build does not need it."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from assistant.store import LiveIndex; "
            "from assistant.retrieval import Retriever; "
            f"hits = Retriever(LiveIndex(Path({str(seed_store)!r}), 'e5-small')).search('herberg i Viborg', k=5); "
            "print(len(hits), all(h.dense_score is not None for h in hits[:1]), 'chromadb' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["5", "True", "False"]


def test_spelling_lookup_finds_what_difflib_finds_over_the_whole_vocabulary(seed_store):
    """The letter-count pre-filter only leaves out words that cannot reach the cutoff: the best match is difflib's."""
    import difflib
    import random

    from assistant import evidence

    keyword = Build(seed_store, read_current(seed_store)).keyword
    vocabulary = sorted(keyword.vocabulary())
    rnd = random.Random(7)
    words = []
    for w in rnd.sample(vocabulary, 150):
        i = rnd.randrange(len(w))
        words.append(w[:i] + rnd.choice("aeiouxyzæø") + w[i + 1:])
    words += ["kapacitetsjustering", "herbeg", "x", "zzzzzzzz"]
    found = 0
    for w in words:
        best = difflib.get_close_matches(w, vocabulary, n=1, cutoff=evidence.MIN_CLOSE)
        expected = (best[0], difflib.SequenceMatcher(None, best[0], w).ratio()) if best else ("", 0.0)
        assert (evidence._spellings(keyword).closest(w, n=1) or [("", 0.0)])[0] == expected, w
        found += bool(best)
    assert found > 50  # the misspellings mostly have a match: the comparison is not between two empty answers
