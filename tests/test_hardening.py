"""Issue 14: bounded work, one writer, files only, one line for every failure, names in data.

Real components throughout: files on disk, the real loaders and chunker, real builds with the bundled e5 model,
and the `assistant` command in real subprocesses.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from bench.fuzz import docx_bomb
from ingest.chunk import MAX_CHARS, bounded_pieces, split_long
from ingest.clean import clean_text
from ingest.index import BuildRefused, build_index, read_current
from ingest.layout import read_chunks
from ingest.loaders import LoadError, load_text

ROOT = Path(__file__).resolve().parent.parent
AGENDA = """Dagsorden 12.6.2025

1. Beslutningspunkter

1.1 Lukning af botilbuddet Solsikken
Indstilling: At Styregruppen:
• godkender lukningen af Solsikken med fem pladser.

1.2 Udvidelse af herberget
Indstilling
At Styregruppen godkender:
• at herberget udvides med to pladser.
"""


def small_corpus(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["documents:"]
    for n, (name, content) in enumerate(files.items()):
        p = folder / name
        p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        lines.append(f"  - {{id: doc{n}, title: Dok {n}, kind: agenda, body: Styregruppen, date: 2025-06-12, file: {name}}}")
    (folder / "manifest.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def cli(*args: str, env: dict | None = None, timeout: float = 120, prefix: tuple[str, ...] = ()) \
        -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([*prefix, sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT)


def snapshot(store: Path) -> dict[str, tuple[int, int]]:
    """Every path in the store with size and mtime, Chroma's own files aside (its client writes on open)."""
    out = {}
    for p in sorted(store.rglob("*")):
        rel = p.relative_to(store)
        if "chroma" in rel.parts[2:3]:
            continue
        st = p.lstat()
        out[str(rel)] = (st.st_size, st.st_mtime_ns) if p.is_file() else (0, 0)
    return out


def one_line_error(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.strip()
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    return err


# --- bounded work -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a" * 200_000,  # one 200 kB line without spaces
    "Sætning nummer et. " * 12_000,
    "ord\u2028" * 80_000,  # U+2028 line separators
    "\U0001F600" * 75_000,  # an emoji run
])
def test_any_text_is_cut_into_bounded_chunks_quickly(text):
    started = time.perf_counter()
    cleaned = clean_text(text)
    pieces = split_long(cleaned.split("\n\n"))
    assert time.perf_counter() - started < 5
    assert pieces and max(len(p) for p in pieces) <= MAX_CHARS
    assert sum(len(p) for p in pieces) >= len(re.sub(r"\s", "", text)) * 0.99  # nothing dropped


def test_bounded_pieces_cut_at_sentences_first():
    text = "Første sætning er her. " * 100
    pieces = bounded_pieces(text, 300)
    assert all(len(p) <= 300 for p in pieces) and all(p.endswith(".") for p in pieces)


def test_line_separators_become_line_breaks():
    assert clean_text("1.1 Punkt\u2028Tekst\u2029Mere").splitlines() == ["1.1 Punkt", "Tekst", "Mere"]


def test_too_long_text_is_refused_with_one_line(tmp_path):
    from ingest.loaders import MAX_TEXT_CHARS

    p = tmp_path / "lang.txt"
    p.write_text("ord " * (MAX_TEXT_CHARS // 4 + 10), encoding="utf-8")
    with pytest.raises(LoadError, match="split the document"):
        load_text(p)




def test_docx_zip_bomb_is_refused_without_unpacking(tmp_path):
    bomb = docx_bomb(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 1_000_000
    # In a child process, so its peak memory is its own.
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking test process.
    code = ("from ingest.loaders import load_text, LoadError\n"
            f"try:\n    load_text({str(bomb)!r})\nexcept LoadError as e:\n    print(e)\n"
            "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0]\n"
            "print(int(hwm.split()[1]) // 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    message, peak_mb = out.stdout.strip().splitlines()
    assert re.search(r"unpacks to 10\d MB; the limit is 60 MB", message), message
    assert int(peak_mb) < 300, f"peak {peak_mb} MB"


def test_question_text_embedded_is_capped():
    from assistant.retrieval import MAX_EMBED_CHARS, embedding_text

    long = "Indledning uden betydning. " * 400 + "Hvem er formand for styregruppen?"
    assert embedding_text(long).endswith("Hvem er formand for styregruppen?")
    assert len(embedding_text(long)) <= MAX_EMBED_CHARS
    assert len(embedding_text("9" * 4000)) == MAX_EMBED_CHARS
    assert embedding_text("Kort spørgsmål?") == "Kort spørgsmål?"


# --- files only -------------------------------------------------------------------------------------------

def test_links_out_of_the_corpus_and_special_files_are_refused(tmp_path):
    corpus = small_corpus(tmp_path / "c", {"a.txt": AGENDA})
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(corpus / "fifo.txt")
    (corpus / "inside.txt").symlink_to(corpus / "a.txt")
    roots = (corpus.resolve(),)
    started = time.perf_counter()
    for name, reason in [("passwd.txt", "outside the corpus"), ("zero.txt", "outside the corpus"),
                         ("fifo.txt", "not a regular file")]:
        with pytest.raises(LoadError, match=reason):
            load_text(corpus / name, roots, confine=True)
    assert time.perf_counter() - started < 5  # the FIFO is never opened for a blocking read
    assert "Solsikken" in load_text(corpus / "inside.txt", roots, confine=True)
    (tmp_path / "elsewhere.txt").write_text("Et andet sted.", encoding="utf-8")
    with pytest.raises(LoadError, match="outside the corpus"):  # "../" in a manifest entry
        load_text(corpus / ".." / "elsewhere.txt", roots, confine=True)


def test_build_skips_system_files_and_indexes_the_rest(tmp_path):
    corpus = small_corpus(tmp_path / "c", {"a.txt": AGENDA})
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    os.mkfifo(corpus / "fifo.txt")
    with open(corpus / "manifest.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - {id: pw, title: pw, kind: other, body: '', date: 2025-01-01, file: passwd.txt}\n"
                 "  - {id: ff, title: ff, kind: other, body: '', date: 2025-01-01, file: fifo.txt}\n")
    report = build_index(corpus, tmp_path / "s", "e5-small")
    assert report.docs == 1 and len(report.failed) == 2
    chunks = " ".join(c.text for c in read_chunks(tmp_path / "s", report.build_id))
    assert chunks.strip() and "root:" not in chunks


# --- one writer, no empty swaps ---------------------------------------------------------------------------

@pytest.fixture
def built(tmp_path):
    corpus = small_corpus(tmp_path / "c", {"a.txt": AGENDA})
    store = tmp_path / "s"
    build_index(corpus, store, "e5-small")
    return corpus, store


@pytest.mark.parametrize("damage", ["no corpus folder", "corrupt manifest", "every file unreadable"])
def test_a_build_that_would_empty_the_index_is_refused(built, damage):
    corpus, store = built
    live = read_current(store)
    if damage == "no corpus folder":
        corpus = corpus.parent / "no-such-dir"
    elif damage == "corrupt manifest":
        (corpus / "manifest.yaml").write_text("documents: [unclosed", encoding="utf-8")
    else:
        (corpus / "a.txt").unlink()
        (corpus / "a.txt").symlink_to("/etc/passwd")
    if damage == "every file unreadable":
        report = build_index(corpus, store, "e5-small")  # the document's previous chunks are kept
        assert report.kept == ["doc0"]
    else:
        with pytest.raises(BuildRefused, match="live index is unchanged"):
            build_index(corpus, store, "e5-small")
    assert read_current(store)["documents"].keys() == live["documents"].keys()


def test_a_first_build_with_nothing_readable_is_refused(tmp_path):
    corpus = small_corpus(tmp_path / "c", {"a.txt": b""})
    with pytest.raises(BuildRefused, match="no document could be read"):
        build_index(corpus, tmp_path / "s", "e5-small")
    assert read_current(tmp_path / "s") is None


def test_an_upload_that_cannot_be_indexed_is_never_recorded(built, monkeypatch):
    from ingest.pipeline import stage_upload, uploads_dir

    corpus, store = built
    entry = stage_upload(store, "ny.txt", AGENDA.replace("Solsikken", "Mælkebøtten").encode(), title="Ny",
                         kind="agenda", body="", on=date(2025, 6, 12))
    import ingest.index as index_mod

    def killed(*a, **k):
        raise KeyboardInterrupt("killed while embedding")

    monkeypatch.setattr(index_mod.EmbeddingCache, "put_many", killed)
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, store, "e5-small", add=[entry])
    monkeypatch.undo()
    assert not (uploads_dir(store) / "manifest.yaml").exists()  # a later ingest does not meet it again
    report = build_index(corpus, store, "e5-small", add=[entry])
    assert report.added == [entry.id] and entry.id in read_current(store)["documents"]
    assert entry.id in (uploads_dir(store) / "manifest.yaml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_twenty_simultaneous_cli_ingests_all_reach_the_index(built, tmp_path):
    corpus, store = built
    files = []
    for n in range(20):
        p = tmp_path / "in" / f"dagsorden-{n}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_text(AGENDA.replace("Solsikken", f"Tilbud{n}x"), encoding="utf-8")
        files.append(p)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    procs = []
    for pair in range(10):  # ten pairs, each pair started together
        for p in files[2 * pair: 2 * pair + 2]:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "assistant.cli", "ingest", str(p), "--store", str(store), "--corpus",
                 str(corpus), "--quiet", "--body", "Styregruppen"], env=env, cwd=ROOT,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [(pr.communicate(timeout=400), pr.returncode) for pr in procs]
    assert all(rc == 0 for _, rc in outs), [err for (_, err), rc in outs if rc]
    assert sum("added " in err for (_, err), _ in outs) == 20
    docs = read_current(store)["documents"]
    assert len(docs) == 21
    manifest = (store / "uploads" / "manifest.yaml").read_text(encoding="utf-8")
    assert manifest.count("id: upload-") == 20
    assert not list((store / "uploads").glob("*.tmp"))


# --- one line for every failure, no repairs on read -------------------------------------------------------

RULE_Q = "Hvem er formand for DASSOS?"
DOC_Q = "Hvad står der om herberger i dagsordenen?"


def test_cli_errors_are_one_line(store_copy, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    cases = [
        (["ask", RULE_Q, "--store", str(a_file)], {}, "is a file, not an index folder"),
        (["ask", RULE_Q, "--store", str(store_copy), "--as-of", "9999-12-31"], {}, "uden for 1900-2199"),
        (["ask", RULE_Q, "--store", str(store_copy), "--as-of", "1899-12-31"], {}, "uden for 1900-2199"),
        (["ask", "Who chairs DASSOS?", "--store", str(store_copy), "--as-of", "9999-12-31"], {}, "outside 1900-2199"),
        (["ask", RULE_Q, "--store", str(store_copy)], {"ASSISTANT_UPLOAD_LIMIT_MB": "abc"},
         "ASSISTANT_UPLOAD_LIMIT_MB='abc' is not a whole number"),
        (["ask", RULE_Q, "--store", str(store_copy)], {"ASSISTANT_CHROMA_PORT": "-1"}, "ASSISTANT_CHROMA_PORT"),
        (["ask", "hvad med \udcff\udcfe?", "--store", str(store_copy)], {}, "not valid UTF-8"),
        (["ask", "   ", "--store", str(store_copy)], {}, "Spørgsmålet er tomt"),
        (["ask", RULE_Q, "--store", str(tmp_path / "none")], {}, "run `assistant ingest` first"),
        (["ingest", "--store", str(store_copy), "--corpus", str(tmp_path / "no-such-dir")], {},
         "corpus folder"),
        (["ingest", str(a_file.with_suffix(".txt")), "--store", str(a_file)], {}, "is a file, not an index folder"),
        (["decisions", "--store", str(store_copy), "--since", "10000-01-01"], {}, "--since must be a date"),
    ]
    for args, env, expected in cases:
        err = one_line_error(cli(*args, env=env))
        assert expected in err, (args, err)
    assert not (tmp_path / "none").exists()  # asking never creates a store


@pytest.mark.parametrize("damage, expected", [
    ("corrupt current.json", "current.json is corrupt"),
    ("missing chroma", "lacks chroma/"),
    ("damaged vector matrix", "vectors.npy cannot be read"),
    ("missing chunk and keyword tables", "lacks index.sqlite"),
])
def test_damaged_store_is_one_line_and_not_repaired(store_copy, damage, expected):
    build = store_copy / "builds" / read_current(store_copy)["build_id"]
    if damage == "corrupt current.json":
        (store_copy / "current.json").write_text('{"build', encoding="utf-8")
    elif damage == "missing chroma":  # and no matrix of its own, as a build from before the matrix
        shutil.rmtree(build / "chroma")
        (build / "vectors.npy").unlink()
    elif damage == "damaged vector matrix":
        (build / "vectors.npy").write_bytes((build / "vectors.npy").read_bytes()[:1000])
    else:
        (build / "index.sqlite").unlink()
    before = snapshot(store_copy)
    err = one_line_error(cli("ask", DOC_Q, "--store", str(store_copy), "--as-of", "2026-03-01"))
    assert expected in err and "assistant ingest --force" in err
    assert snapshot(store_copy) == before
    assert damage != "missing chroma" or not (build / "chroma").exists()


def test_ask_never_writes_the_store(store_copy):
    before = snapshot(store_copy)
    for q in (RULE_Q, DOC_Q):
        out = cli("ask", q, "--store", str(store_copy), "--as-of", "2026-03-01")
        assert out.returncode == 0 and out.stdout.strip(), out.stderr
    assert snapshot(store_copy) == before


def _read_only_prefix(store: Path) -> tuple[str, ...]:
    """Run under a read-only bind mount of the store when root (chmod does not bind root), else chmod."""
    if os.geteuid() != 0:
        for p in [store, *store.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        return ()
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare: cannot make a read-only store")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {store} {store} && "
                            f"mount -o remount,bind,ro {store}"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no mount namespace here: cannot make a read-only store as root")
    return ("unshare", "-m", "sh", "-c", f'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
            str(store))


def test_read_only_store_answers_with_full_search(store_copy):
    """An embedded build is searched by its own vector matrix, which needs no write access (Chroma's client does)."""
    prefix = _read_only_prefix(store_copy)
    before = snapshot(store_copy)
    rule = cli("ask", RULE_Q, "--store", str(store_copy), "--as-of", "2026-03-01", prefix=prefix)
    assert rule.returncode == 0 and rule.stdout.strip() and "Traceback" not in rule.stderr, rule.stderr
    doc = cli("ask", DOC_Q, "--store", str(store_copy), "--as-of", "2026-03-01", "--json", prefix=prefix)
    assert doc.returncode == 0 and not doc.stderr.strip(), doc.stderr
    answer = json.loads(doc.stdout)
    assert "herberg" in answer["answer"].lower()
    for p in [store_copy, *store_copy.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    assert snapshot(store_copy) == before


def test_read_only_store_without_a_vector_matrix_says_why_in_one_line(store_copy):
    """A build made before the matrix was written is searched through Chroma, which must write: keywords only."""
    record = json.loads((store_copy / "current.json").read_text(encoding="utf-8"))
    (store_copy / "builds" / record["build_id"] / "vectors.npy").unlink()
    prefix = _read_only_prefix(store_copy)
    before = snapshot(store_copy)
    doc = cli("ask", DOC_Q, "--store", str(store_copy), "--as-of", "2026-03-01", prefix=prefix)
    assert doc.returncode == 0 and "herberg" in doc.stdout.lower(), doc.stderr
    notes = doc.stderr.strip().splitlines()
    assert len(notes) == 1 and "skrivebeskyttet" in notes[0] and "skrive" in notes[0]
    ingest = cli("ingest", "--store", str(store_copy), "--quiet", prefix=prefix)
    assert "write access" in one_line_error(ingest)
    for p in [store_copy, *store_copy.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    assert snapshot(store_copy) == before


def test_unreadable_and_special_input_files_are_one_line_each(store_copy, tmp_path):
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    out = cli("ingest", *(str(tmp_path / n) for n in ("passwd.txt", "fifo.txt", "zero.txt", "nope.txt")),
              "--store", str(store_copy), "--quiet", timeout=60)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    failed = [ln for ln in out.stderr.splitlines() if ln.startswith("failed: ")]
    assert len(failed) == 4, out.stderr
    assert "root:" not in " ".join(c.text for c in read_chunks(store_copy, read_current(store_copy)["build_id"]))


# --- names in data, not code ------------------------------------------------------------------------------

def test_no_scope_names_in_the_python_of_ingest_app_and_read_side():
    from rules.scope import scope

    s = scope()
    names = set(s.bodies) | set(s.municipalities) | set(s.region_names) | {n for n, _ in s.other_region_names}
    names |= {alias for alias, _ in s.body_aliases if alias.isupper() and len(alias) >= 3}
    files = [*ROOT.glob("ingest/*.py"), ROOT / "app.py", *ROOT.glob("assistant/ui/**/*.py"),
             *(ROOT / "assistant" / f for f in ("register.py", "cli.py", "store.py", "retrieval.py"))]
    found = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        found += [f"{f.relative_to(ROOT)}: {n}" for n in names
                  if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.IGNORECASE)]
    assert not found, found


def test_indstilling_for_any_body_and_upload_without_body(tmp_path):
    from ingest.manifest import DocumentEntry
    from ingest.register import extract_items
    from ingest.pipeline import stage_upload

    entry = DocumentEntry(id="x", title="X", kind="agenda", body="", date="2025-06-12", file="x.txt")
    items = extract_items(entry, clean_text(AGENDA))
    assert [i.item_no for i in items] == ["1.1", "1.2"]
    assert [(r["verb"], r["text"]) for r in items[0].recommendations] == [
        ("godkender", "godkender lukningen af Solsikken med fem pladser.")]
    staged = stage_upload(tmp_path / "s", "d.txt", AGENDA.encode(), title="", kind="agenda", body="", on=entry.date)
    assert staged.body == "" and staged.title == "d"


# --- background uploads -----------------------------------------------------------------------------------

def test_upload_job_runs_in_the_background_and_questions_are_answered_meanwhile(store_copy):
    import threading

    from assistant.api import Assistant
    from assistant.config import load_settings
    from assistant.ui import jobs
    from ingest.index import store_lock

    release = threading.Event()

    def work(progress):
        with store_lock(store_copy):  # as a build does, for as long as it embeds
            progress(1, 4)
            release.wait(30)
        return "done"

    started = time.monotonic()
    job = jobs.start("ny.txt", work, on_error=lambda exc: f"error: {exc}")
    assert time.monotonic() - started < 1 and jobs.get(job.id) is job
    deadline = time.monotonic() + 10
    while job.total == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.running and (job.done, job.total) == (1, 4)
    answer = Assistant(load_settings(store_dir=store_copy).with_(llm_provider="none")).ask(
        DOC_Q, as_of=date(2026, 3, 1))  # readers never wait for the writer's lock
    assert answer.citations and job.running
    release.set()
    deadline = time.monotonic() + 10
    while job.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.outcome == "done"


def test_upload_refusals_for_the_new_caps_are_danish_sentences(tmp_path):
    from assistant.config import load_settings
    from assistant.ui.upload import handle_upload
    from ingest.loaders import MAX_TEXT_CHARS

    s = load_settings(store_dir=tmp_path / "s", corpus_dir=tmp_path / "c")
    long = handle_upload(s, "lang.txt", ("ord " * (MAX_TEXT_CHARS // 4 + 10)).encode(), title="", kind="other",
                         body="", on=date(2026, 1, 1))
    bomb = handle_upload(s, "bombe.docx", docx_bomb(tmp_path / "b.docx").read_bytes(), title="", kind="other",
                         body="", on=date(2026, 1, 1))
    assert not long.ok and "Del dokumentet i flere filer" in long.message
    assert not bomb.ok and "DOCX-filen fylder" in bomb.message and "grænsen er 60 MB" in bomb.message
    assert not (tmp_path / "s" / "uploads" / "manifest.yaml").exists()
