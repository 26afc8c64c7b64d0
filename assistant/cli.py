"""The `assistant` command: ingest, ask, decisions, eval, doctor. User errors print one line and exit 2."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path


class UsageError(Exception):
    """A user-caused problem: shown as one line, exit code 2."""


def _parse_date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} must be a date written YYYY-MM-DD, got '{value}'.") from None


def _settings(args):
    from assistant.config import load_settings

    return load_settings(store_dir=Path(args.store) if getattr(args, "store", None) else None,
                         corpus_dir=Path(args.corpus) if getattr(args, "corpus", None) else None)


def cmd_ingest(args) -> int:
    from ingest.index import build_index
    from ingest.loaders import LoadError
    from ingest.pipeline import add_upload

    settings = _settings(args)
    added_failed = []
    corpus_dir = settings.corpus_dir
    for raw in args.paths:
        p = Path(raw)
        if p.is_dir():
            if not (p / "manifest.yaml").exists():
                raise UsageError(f"{p} has no manifest.yaml; give a corpus folder with a manifest or document files.")
            corpus_dir = p
            continue
        if not p.exists():
            added_failed.append(f"{p}: file not found")
            continue
        try:
            entry = add_upload(settings.store_dir, p.name, p.read_bytes(), title=p.stem, kind=args.kind,
                               body=args.body, on=_parse_date(args.date, "--date") or date.today())
            print(f"added {p.name} as {entry.id}", file=sys.stderr)
        except LoadError as exc:
            added_failed.append(str(exc))

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc="embedding", unit="chunk", file=sys.stderr, disable=args.quiet)
        bar.update(done - bar.n)

    report = build_index(corpus_dir, settings.store_dir, settings.embedding, chroma_host=settings.chroma_host,
                         chroma_port=settings.chroma_port, force=args.force, progress=progress)
    if bar is not None:
        bar.close()
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


def cmd_ask(args) -> int:
    from assistant.api import Assistant

    question = (args.question or "").strip()
    if not question:
        raise UsageError("The question is empty: write a question in Danish or English, e.g. assistant ask \"Hvem er formand for DASSOS?\"")
    as_of = _parse_date(args.as_of, "--as-of")
    answer = Assistant(_settings(args)).ask(question, as_of=as_of)
    from assistant.modelrun import answer_run, fallback_notice

    run = answer_run(answer)
    if args.json:
        print(json.dumps(answer.to_dict() | ({"model_run": run.to_dict()} if run else {}), ensure_ascii=False))
    else:
        notice = fallback_notice(answer)
        print(answer.render_text() + (f"\n\n{notice}" if notice else ""))
    if run is not None and run.reason is not None:
        print(f"warning: {run.reason.en}; the answer was made without it.", file=sys.stderr)
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


def cmd_eval(args) -> int:
    from evals.run import main as eval_main

    return eval_main(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description="Cited answers about DASSOS, Rammeaftaler and organisation notes.")
    sub = p.add_subparsers(dest="command", required=True)

    i = sub.add_parser("ingest", help="build or update the index from corpus/ (and add document files)")
    i.add_argument("paths", nargs="*", help="document files to add (PDF, DOCX, TXT, HTML) or a corpus folder with manifest.yaml")
    i.add_argument("--store", help="index folder (default .store/)")
    i.add_argument("--corpus", help="corpus folder with manifest.yaml (default corpus/)")
    i.add_argument("--kind", default="other", choices=["agreement", "organisation_note", "agenda", "minutes", "other"],
                   help="kind of the added files")
    i.add_argument("--body", default="DASSOS", help="body of the added files")
    i.add_argument("--date", help="date of the added files (YYYY-MM-DD, default today)")
    i.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.set_defaults(func=cmd_ingest)

    a = sub.add_parser("ask", help="ask a question")
    a.add_argument("question")
    a.add_argument("--as-of", help="answer as of this date (YYYY-MM-DD, default today)")
    a.add_argument("--store", help="index folder (default .store/)")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.set_defaults(func=cmd_ask)

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

    e = sub.add_parser("eval", help="run the evaluation suite and write a report")
    e.add_argument("--report", default="artifacts/eval-report.md", help="Markdown report path (JSON beside it)")
    e.add_argument("--store", help="index folder (default .store/)")
    e.add_argument("--planner", choices=["deterministic", "model", "both"], default=None)
    e.add_argument("--no-gate", action="store_true", help="do not fail on thresholds")
    e.add_argument("--ids", help="only the cases whose id matches this regular expression")
    e.add_argument("--limit", type=int, help="only the first N cases (after --ids)")
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
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - user-facing edge: known errors as one line
        from ingest.embeddings import EmbeddingConfigError
        from ingest.index import IndexError_

        # RuleInputError, bad dates and unknown options are ValueErrors with a user-facing sentence.
        if isinstance(exc, (IndexError_, EmbeddingConfigError, ValueError, FileNotFoundError)):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
