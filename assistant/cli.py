"""The `assistant` command: ingest, ask, decisions, eval, doctor. User errors print one line and exit 2."""
from __future__ import annotations

import argparse
import errno
import gc
import json
import os
import sys
from datetime import date
from pathlib import Path


class UsageError(Exception):
    """A user-caused problem: shown as one line, exit code 2."""


# The rules and documents cover the 20th and 21st centuries; year 9999 is a typo, not a question.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def _parse_date(value: str | None, flag: str, lang: str = "en") -> date | None:
    """A YYYY-MM-DD flag; the bad-input line is Danish when the question it goes with is Danish."""
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(_text_arg(value, flag))
    except ValueError:
        if lang == "da":
            raise UsageError(f"{flag} skal være en dato skrevet ÅÅÅÅ-MM-DD, fik '{_printable(value)}'.") from None
        raise UsageError(f"{flag} must be a date written YYYY-MM-DD, got '{_printable(value)}'.") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        if lang == "da":
            raise UsageError(f"{flag} {parsed.isoformat()} ligger uden for {FIRST_YEAR}-{LAST_YEAR}: "
                             "giv en dato i det interval.")
        raise UsageError(f"{flag} {parsed.isoformat()} is outside {FIRST_YEAR}-{LAST_YEAR}: give a date in that range.")
    return parsed


def _printable(value: str, limit: int = 60) -> str:
    """A user's argument as it can be shown on one line (bad bytes and control characters escaped)."""
    shown = value.encode("utf-8", "backslashreplace").decode("utf-8")
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in shown)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _text_arg(value: str, what: str) -> str:
    """The argument as text; bytes that are not UTF-8 (a wrongly encoded terminal) are refused in one line."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} contains bytes that are not valid UTF-8 ('{_printable(value)}'): "
                         "set the terminal to UTF-8 and write it again.") from None
    return value


def _settings(args):
    from assistant.config import load_settings

    return load_settings(store_dir=Path(args.store) if getattr(args, "store", None) else None,
                         corpus_dir=Path(args.corpus) if getattr(args, "corpus", None) else None)


def cmd_ingest(args) -> int:
    from ingest.index import build_index, check_store_dir
    from ingest.loaders import LoadError, load_file
    from ingest.pipeline import recorded_uploads, stage_upload, upload_id, uploads_dir

    settings = _settings(args)
    check_store_dir(settings.store_dir)  # a --store naming a file: say so before staging anything
    added_failed = []
    staged = []
    corpus_dir = settings.corpus_dir
    on = _parse_date(args.date, "--date") or date.today()
    for raw in args.paths:
        p = Path(_text_arg(raw, "The file name"))
        if p.is_dir() and not p.is_symlink():
            if not (p / "manifest.yaml").exists():
                raise UsageError(f"{p} has no manifest.yaml; give a corpus folder with a manifest or document files.")
            corpus_dir = p
            continue
        try:
            # Read once, safely: a link out of the corpus, a FIFO or a device is refused without blocking.
            _, data = load_file(p, roots=(settings.corpus_dir, uploads_dir(settings.store_dir)))
            title = args.title if args.title is not None else p.stem
            _refuse_silent_update(recorded_uploads(settings.store_dir).get(upload_id(p.name, data)), p.name,
                                  title=title, kind=args.kind, body=args.body or "", on=on, update=args.update)
            staged.append((p.name, stage_upload(settings.store_dir, p.name, data, title=title, kind=args.kind,
                                                body=args.body or "", on=on)))
        except LoadError as exc:
            added_failed.append(str(exc))
        except OSError as exc:
            raise UsageError(f"Cannot store {p.name} in {uploads_dir(settings.store_dir)} "
                             f"({exc.strerror or exc.__class__.__name__}): ingest needs write access to the store.")
    if args.replace and len(staged) != 1:
        raise UsageError("--replace takes exactly one document file to put in the replaced document's place.")
    if staged and not args.body:
        print("note: no --body given; the added documents have no body (give --body to name one).", file=sys.stderr)

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc="embedding", unit="chunk", file=sys.stderr, disable=args.quiet)
        bar.update(done - bar.n)

    report = build_index(corpus_dir, settings.store_dir, settings.embedding, chroma_host=settings.chroma_host,
                         chroma_port=settings.chroma_port, force=args.force, progress=progress,
                         add=[entry for _, entry in staged], remove=[args.replace] if args.replace else [])
    if bar is not None:
        bar.close()
    for name, entry in staged:
        if entry.id in report.added:
            print(f"added {name} as {entry.id}", file=sys.stderr)
    if args.replace and report.build_id and not report.up_to_date:
        print(f"removed {args.replace}", file=sys.stderr)
    for line in added_failed:
        print(f"failed: {line}", file=sys.stderr)
    for problem in report.failed:
        print(f"failed: {problem}", file=sys.stderr)
    for doc_id in report.kept:
        print(f"kept the previously indexed version of {doc_id}", file=sys.stderr)
    if args.json:
        print(json.dumps({"docs": report.docs, "chunks": report.chunks, "embedded": report.embedded,
                          "skipped": report.skipped, "removed": report.removed, "up_to_date": report.up_to_date,
                          "failed": [str(p) for p in report.failed] + added_failed, "build_id": report.build_id,
                          "seconds": round(report.seconds, 2)}, ensure_ascii=False))
    else:
        print(report.summary() + f" ({report.seconds:.1f} s)")
    return 1 if (report.failed or added_failed) else 0


def _refuse_silent_update(recorded, name: str, *, title: str, kind: str, body: str, on: date, update: bool) -> None:
    """The same file again with other details changes them only when asked (--update); else one line says what."""
    if recorded is None or update:
        return
    from ingest.pipeline import metadata_changes

    changes = metadata_changes(recorded, recorded.model_copy(update={"title": title, "kind": kind, "body": body,
                                                                      "date": on}))
    if changes:
        said = "; ".join(f"{f} '{a}' -> '{b}'" for f, a, b in changes)
        raise UsageError(f"{name} is already indexed as {recorded.id} with other details ({said}): add --update "
                         "to change them, or give the recorded --title/--kind/--body/--date to keep them.")


def cmd_remove(args) -> int:
    """Take uploaded documents out of the index (chunks, vectors and register items), in one new build."""
    from ingest.index import build_index, check_store_dir

    settings = _settings(args)
    check_store_dir(settings.store_dir)
    ids = [_text_arg(i, "The document id").strip() for i in args.doc_ids]
    report = build_index(settings.corpus_dir, settings.store_dir, settings.embedding,
                         chroma_host=settings.chroma_host, chroma_port=settings.chroma_port, remove=ids)
    for doc_id in ids:
        print(f"removed {doc_id}", file=sys.stderr)
    print(report.summary() + f" ({report.seconds:.1f} s)")
    return 1 if report.failed else 0


def cmd_ask(args) -> int:
    from assistant.api import Assistant

    question = _text_arg(args.question or "", "The question").strip()
    if not question:
        raise UsageError("Spørgsmålet er tomt: skriv et spørgsmål på dansk eller engelsk, fx "
                         "assistant ask \"Hvem er formand?\" (The question is empty: write a question.)")
    from assistant.slots import detect_language

    as_of = _parse_date(args.as_of, "--as-of", detect_language(question))
    assistant = Assistant(_settings(args))
    answer = assistant.ask(question, as_of=as_of)
    from assistant.modelrun import answer_run, fallback_notice

    run = answer_run(answer)
    if args.json:
        print(json.dumps(answer.to_dict() | ({"model_run": run.to_dict()} if run else {}), ensure_ascii=False))
    else:
        notice = fallback_notice(answer)
        print(answer.render_text() + (f"\n\n{notice}" if notice else ""))
    if run is not None and run.reason is not None:
        print(f"warning: {run.reason.en}; the answer was made without it.", file=sys.stderr)
    notice = getattr(assistant._index, "notice", "")  # the index is open by now when documents were searched
    if notice:
        print(f"note: {notice}", file=sys.stderr)
    return 0


def cmd_chat(args) -> int:
    """A conversation on the terminal: each question sees the earlier answers, so short follow-ups work."""
    from assistant.api import Assistant

    assistant = Assistant(_settings(args))
    as_of = _parse_date(args.as_of, "--as-of")
    history = []
    interactive = sys.stdin.isatty()
    if interactive:
        print("Skriv et spørgsmål (tom linje eller Ctrl-D afslutter).", file=sys.stderr)
    while True:
        try:
            line = input("> " if interactive else "")
        except EOFError:
            break
        if not line.strip():
            if interactive:
                break
            continue
        try:
            answer = assistant.ask(line, as_of=as_of, history=history[-5:])
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        history.append(answer)
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else answer.render_text() + "\n")
    return 0


def cmd_doctor(args) -> int:
    from assistant.doctor import check

    health = check(_settings(args))
    print(health.line())
    return 0 if health.ok else 1


def cmd_decisions(args) -> int:
    from assistant.api import Assistant

    since = _parse_date(args.since, "--since")
    until = _parse_date(args.until, "--until")
    rows = Assistant(_settings(args)).decisions(query=args.query, body=args.body, since=since, until=until,
                                               item_type=args.type, verb=args.verb)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.csv:
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(["meeting_date", "body", "item_no", "title", "item_type", "verbs", "status", "doc_id"])
        for r in rows:
            w.writerow([r["meeting_date"], r["body"], r["item_no"], r["title"], r["item_type"],
                        "; ".join(x["verb"] for x in r.get("recommendations", [])), r["status"], r["doc_id"]])
    else:
        for r in rows:
            verbs = ", ".join(x["verb"] for x in r.get("recommendations", []))
            print(f"{r['meeting_date']}  {r['body']:<8} {r['item_no']:<5} {r['item_type']:<12} {r['title']}"
                  + (f"  [{verbs}]" if verbs else ""))
        if not rows:
            print("No agenda items match.")
    return 0


def cmd_feedback(args) -> int:
    from assistant.feedback import FeedbackStore, write_csv

    rows = FeedbackStore(_settings(args).store_dir, create=False).rows()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.csv:
        write_csv(rows, sys.stdout)
    else:
        for r in rows:
            thumb = "+" if r["rating"] == "up" else "-"
            print(f"{r['created']}  {thumb}  {r['question']}" + (f"  ({r['comment']})" if r["comment"] else ""))
        if not rows:
            print("Der er endnu ingen tilbagemeldinger.")
    return 0


def cmd_eval(args) -> int:
    from evals.run import main as eval_main

    return eval_main(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description="Cited answers about framework agreements, "
                                "organisation notes, agendas and minutes.")
    sub = p.add_subparsers(dest="command", required=True)

    i = sub.add_parser("ingest", help="build or update the index from corpus/ (and add document files)")
    i.add_argument("paths", nargs="*", help="document files to add (PDF, DOCX, TXT, HTML) or a corpus folder with manifest.yaml")
    i.add_argument("--store", help="index folder (default .store/)")
    i.add_argument("--corpus", help="corpus folder with manifest.yaml (default corpus/)")
    i.add_argument("--kind", default="other", choices=["agreement", "organisation_note", "agenda", "minutes", "other"],
                   help="kind of the added files")
    i.add_argument("--title", help="title of the added file (default: its file name)")
    i.add_argument("--body", default=None, help="body (organ) of the added files; none when not given")
    i.add_argument("--date", help="date of the added files (YYYY-MM-DD, default today)")
    i.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    i.add_argument("--update", action="store_true",
                   help="a file already added with other title, kind, body or date: change them to the given ones")
    i.add_argument("--replace", metavar="DOC_ID", help="the added file replaces this uploaded document")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.set_defaults(func=cmd_ingest)

    r = sub.add_parser("remove", help="remove uploaded documents from the index")
    r.add_argument("doc_ids", nargs="+", metavar="DOC_ID", help="id of an uploaded document (upload-…)")
    r.add_argument("--store", help="index folder (default .store/)")
    r.add_argument("--corpus", help="corpus folder with manifest.yaml (default corpus/)")
    r.set_defaults(func=cmd_remove)

    a = sub.add_parser("ask", help="ask a question")
    a.add_argument("question")
    a.add_argument("--as-of", help="answer as of this date (YYYY-MM-DD, default today)")
    a.add_argument("--store", help="index folder (default .store/)")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.set_defaults(func=cmd_ask)

    c = sub.add_parser("chat", help="a conversation: questions from standard input, follow-ups in context")
    c.add_argument("--as-of", help="answer as of this date (YYYY-MM-DD, default today)")
    c.add_argument("--store", help="index folder (default .store/)")
    c.add_argument("--json", action="store_true", help="one JSON object per answer")
    c.set_defaults(func=cmd_chat)

    d = sub.add_parser("decisions", help="list agenda items and decisions from the register")
    d.add_argument("--body")
    d.add_argument("--since")
    d.add_argument("--until")
    d.add_argument("--query")
    d.add_argument("--type", help="decision, orientation, discussion, next_meetings, other")
    d.add_argument("--verb", help="e.g. godkender, drøfter, orienteres")
    d.add_argument("--store", help="index folder (default .store/)")
    fmt = d.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    d.set_defaults(func=cmd_decisions)

    f = sub.add_parser("feedback", help="export the thumbs up/down and comments given in the app")
    f.add_argument("--store", help="index folder (default .store/); feedback.sqlite lies beside the index")
    ffmt = f.add_mutually_exclusive_group()
    ffmt.add_argument("--json", action="store_true")
    ffmt.add_argument("--csv", action="store_true", help="one row per answer: question, answer, citations, rating")
    f.set_defaults(func=cmd_feedback)

    from evals.options import add_arguments  # the eval suite itself is imported only when `eval` runs

    e = add_arguments(sub.add_parser("eval", help="run the evaluation suite and write a report"))
    e.set_defaults(func=cmd_eval)

    h = sub.add_parser("doctor", help="say in one line whether the configured language model answers")
    h.set_defaults(func=cmd_doctor)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # output piped into `head`
        return 0
    except KeyboardInterrupt:
        print("error: interrupted; the live index is unchanged.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the user-facing edge: every failure is one line, never a traceback
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        return 2


def _one_line(exc: Exception) -> str:
    """What went wrong and what to do, in one sentence."""
    import sqlite3

    from ingest.embeddings import EmbeddingConfigError
    from ingest.layout import IndexError_

    # Our own errors (and RuleInputError, bad dates, bad settings: ValueErrors) already carry a sentence.
    if isinstance(exc, (UsageError, IndexError_, EmbeddingConfigError, ValueError)):
        return " ".join(str(exc).split())
    if isinstance(exc, PermissionError) or (isinstance(exc, OSError) and exc.errno == errno.EROFS):
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return (f"no permission to read or write the index{where}: fix the permissions, or give another --store "
                "(asking needs read access, ingest needs write access).")
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc.__class__.__name__}{f' ({exc.filename})' if exc.filename else ''}: check the path."
    if isinstance(exc, sqlite3.Error):
        return (f"the index database cannot be used ({' '.join(str(exc).split())}): check that the store is "
                "writable and run `assistant ingest --force`.")
    return (f"unexpected failure ({exc.__class__.__name__}: {' '.join(str(exc).split())[:200]}); "
            "run again with ASSISTANT_DEBUG=1 for the details and report it.")


def run() -> int:
    """The process entry point (the `assistant` command, `python -m assistant.cli`): main(), then exit."""
    code = main()
    # The process ends next: freeze the collector, so the interpreter's shutdown does not walk every object once
    # more (about 0.05 s of a 0.3 s cold question). Not in main(): tests and the app call it in a process that goes on.
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(run())
