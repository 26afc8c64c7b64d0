"""The benchmark: ingest, questions, concurrency and the LangChain-recipe comparison at growing corpus sizes.

    .venv/bin/python -m bench.run                      # 1x and 10x (13.5 min on 2 idle cores)
    .venv/bin/python -m bench.run --with-100x          # adds 100x (about 1 h 45 min or more)
    .venv/bin/python -m bench.run --sizes 1 --quick    # a smoke run
    .venv/bin/python -m bench.run --sizes 1,10,100 --questions-only   # questions again, on the stores left in --work

Each measurement runs in a fresh process (bench/child.py). Prints Markdown tables; writes
<out>/bench-<time>.json, <out>/latest.json, <out>/latest.md and cold-ask profiles under <out>/profile/.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import synth
from bench.child import DOCUMENT_QUESTION, RULE_QUESTION

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKAGES = ("assistant", "ingest", "rules", "evals", "bench")
ENV = os.environ | {"ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                    "PYTHONPATH": str(ROOT), "ASSISTANT_LLM_PROVIDER": "none"}


# --- helpers ---------------------------------------------------------------------------------------

def child(task: str, *args: str) -> tuple[dict, float]:
    """Run bench.child TASK in a new process; its JSON and the process's wall seconds."""
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "bench.child", task, *args], cwd=ROOT, env=ENV,
                         capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(f"bench.child {task} failed ({res.returncode}):\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1]), wall


def timed_process(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({res.returncode}):\n{res.stderr[-3000:]}")
    return wall


def du(path: Path, exclude: tuple[str, ...] = ()) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file() and p.name not in exclude)


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def tag(scale: float) -> str:
    return f"{scale:g}x"


# --- one corpus size -------------------------------------------------------------------------------

def measure_ingest(corpus: dict, store: Path, engine_sample: int = 0) -> dict:
    args = ["--sample", str(engine_sample)] if engine_sample else []
    res, wall = child("ingest", "--corpus", corpus["folder"], "--store", str(store), *args)
    if res["failed"]:
        raise RuntimeError(f"ingest failed for {res['failed']}")
    s = res["seconds"]
    out = res | {"process_seconds": wall, "docs_per_s": res["docs"] / s, "chunks_per_s": res["chunks"] / s,
                 "tokens_per_s": corpus["tokens"] / s, "embed_share": res["embed_seconds"] / s,
                 "index_bytes": du(store, exclude=("embeddings.sqlite",)),
                 "cache_bytes": (store / "embeddings.sqlite").stat().st_size}
    engine, tokens = res.get("engine"), res.get("embedded_model_tokens")
    if engine and tokens and engine.get("model_tokens_per_s"):
        # the same work in model tokens: ingest's rate over its whole build_index against the engine's, same process
        out["of_engine"] = tokens / s / engine["model_tokens_per_s"]
    return out


def measure_recipe_ingest(corpus: dict, persist: Path) -> dict:
    ri, wall = child("recipe-ingest", "--corpus", corpus["folder"], "--persist", str(persist))
    return ri | {"process_seconds": wall, "chunks_per_s": ri["chunks"] / ri["seconds"],
                 "embed_share": ri["embed_seconds"] / ri["seconds"], "index_bytes": du(persist)}


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def carried_over(scale: float, out_dir: Path, work: Path) -> dict:
    """For --questions-only: the newest earlier run of this size, whose corpus and stores are still in `work`.

    Its ingest, re-ingest, engine and recipe-ingest figures are carried over (they measure the same stores); the
    result names the build they measured (`carried_from`), so a table can say where each figure comes from."""
    from bench.plot import newest_per_size

    t = tag(scale)
    earlier, _ = newest_per_size(sorted(out_dir.glob("bench-*.json")))
    for r in earlier:
        if r["scale"] == scale:
            missing = [str(work / d) for d in (f"corpus-{t}", f"store-{t}") if not (work / d).is_dir()]
            if missing:
                raise SystemExit(f"bench.run: --questions-only needs the {t} corpus and store of an earlier run; "
                                 f"missing: {', '.join(missing)}")
            live = json.loads((work / f"store-{t}" / "current.json").read_text(encoding="utf-8"))["build_id"]
            if live != r["ingest"]["build_id"]:
                raise SystemExit(f"bench.run: the {t} store in {work} holds build {live}, not build "
                                 f"{r['ingest']['build_id']} that the newest {t} run measured; run without --questions-only.")
            keep = ("corpus", "ingest", "reingest_unchanged", "ingest_shared_cache", "engine_alone", "warm_cache_used")
            out = {k: r[k] for k in keep if k in r} | {"carried_from": r.get("carried_from") or r["ingest"]["build_id"]}
            if "recipe" in r and (work / f"recipe-{t}").is_dir():
                out["recipe"] = {"ingest": r["recipe"]["ingest"]}
            return out
    raise SystemExit(f"bench.run: --questions-only found no earlier {t} run in {out_dir}; run without it first.")


def ingest_rounds(scale: float, args) -> int:
    """Rounds of cold ingest per side. A 1x ingest is 20 s, where the machine's drift between two runs (±8 %)
    is as large as the difference measured, so it gets four; a 10x ingest is 4 minutes and gets two; a 100x ingest
    is 40 minutes and gets one, as does a run without the recipe (nothing to alternate with)."""
    if args.ingest_rounds:
        return args.ingest_rounds
    if args.no_recipe or scale > 10:
        return 1
    return 4 if scale <= 1 else 2


def measure_size(scale: float, args, out_dir: Path) -> dict:
    work = Path(args.work).resolve()
    t = tag(scale)
    if args.questions_only:
        result = {"scale": scale} | carried_over(scale, out_dir, work)
        log(f"{t}: questions only, on the corpus and stores of build {result['carried_from']}")
        return measure_questions(scale, args, out_dir, result, work / f"store-{t}")
    log(f"{t}: corpus")
    corpus = synth.build_corpus(work / f"corpus-{t}", scale)
    result: dict = {"scale": scale, "corpus": corpus}

    # Ours and the recipe in alternating order (ours first, then the recipe first, ...), each in a fresh store with a
    # cold cache: the machine's speed drifts over minutes, and alternating puts both sides under the same drift.
    store, persist = work / f"store-{t}", work / f"recipe-{t}"
    ours_runs, recipe_runs = [], []
    for n in range(ingest_rounds(scale, args)):
        sides = ("ours",) if args.no_recipe else (("ours", "recipe") if n % 2 == 0 else ("recipe", "ours"))
        for side in sides:
            if side == "recipe":
                log(f"{t}: LangChain recipe ingest (round {n + 1})")
                ri = measure_recipe_ingest(corpus, fresh(persist))
                recipe_runs.append(ri)
                log(f"{t}: recipe {ri['chunks']} chunks in {ri['seconds']:.1f} s")
                continue
            log(f"{t}: ingest ({corpus['docs']} documents, {corpus['chars']:,} characters), cold embedding cache "
                f"(round {n + 1})")
            fresh(store)
            if args.warm_cache:
                shutil.copyfile(args.warm_cache, store / "embeddings.sqlite")
                result["warm_cache_used"] = str(args.warm_cache)
            ingest = measure_ingest(corpus, store, args.engine_sample)
            ours_runs.append(ingest)
            share = f", {ingest['of_engine']:.0%} of the engine" if "of_engine" in ingest else ""
            log(f"{t}: {ingest['chunks']} chunks in {ingest['seconds']:.1f} s "
                f"({ingest['chunks_per_s']:.2f} chunks/s{share})")
    # The live store is the last run's; its figures stand for ours, with every run's seconds and their mean beside.
    last = ours_runs[-1]
    result["engine_alone"] = last.pop("engine", None)
    result["ingest"] = last | {"rounds": [r["seconds"] for r in ours_runs],
                               "mean_seconds": mean([r["seconds"] for r in ours_runs])}
    if any("of_engine" in r for r in ours_runs):
        result["ingest"]["mean_of_engine"] = mean([r["of_engine"] for r in ours_runs if "of_engine" in r])
    if recipe_runs:
        result["recipe"] = {"ingest": recipe_runs[-1] | {"rounds": [r["seconds"] for r in recipe_runs],
                                                          "mean_seconds": mean([r["seconds"] for r in recipe_runs])}}

    noop, wall = child("ingest", "--corpus", corpus["folder"], "--store", str(store))
    result["reingest_unchanged"] = noop | {"process_seconds": wall}
    cached = fresh(work / f"store-{t}-cached")
    shutil.copyfile(store / "embeddings.sqlite", cached / "embeddings.sqlite")
    result["ingest_shared_cache"] = measure_ingest(corpus, cached)
    shutil.rmtree(cached, ignore_errors=True)
    log(f"{t}: fresh store sharing the cache: {result['ingest_shared_cache']['seconds']:.1f} s, "
        f"{result['ingest_shared_cache']['embedded']} embedded")

    return measure_questions(scale, args, out_dir, result, store)


def measure_questions(scale: float, args, out_dir: Path, result: dict, store: Path) -> dict:
    """Cold asks, the recipe's queries, in-process questions and concurrency, and the cold-ask profiles."""
    work = Path(args.work).resolve()
    t = tag(scale)
    corpus = result["corpus"]
    cold = {}
    for name, q in (("rule", RULE_QUESTION), ("document", DOCUMENT_QUESTION)):
        walls = [timed_process([str(BIN / "assistant"), "ask", q, "--json", "--store", str(store)])
                 for _ in range(args.cold_repeats)]
        cold[name] = {"question": q, "median_s": statistics.median(walls), "runs_s": walls}
    result["cold_ask"] = cold
    log(f"{t}: cold ask rule {cold['rule']['median_s']:.2f} s, document {cold['document']['median_s']:.2f} s")

    if "recipe" in result:
        persist = work / f"recipe-{t}"
        rq, _ = child("recipe-query", "--corpus", corpus["folder"], "--persist", str(persist), "--cases", str(args.cases))
        walls = [child("recipe-query", "--persist", str(persist), "--question", DOCUMENT_QUESTION)[1]
                 for _ in range(args.cold_repeats)]
        result["recipe"] |= {"query": rq, "cold_query_s": statistics.median(walls)}
        log(f"{t}: recipe recall@5 {rq['recall@5']:.3f}")

    # After the recipe's index exists, so that the questions step also times both retrievals interleaved.
    recipe_args = ["--persist", str(work / f"recipe-{t}")] if "recipe" in result else []
    q, _ = child("questions", "--store", str(store), "--corpus", corpus["folder"], "--cases", str(args.cases),
                 "--threads", str(args.threads), "--concurrency-seconds", str(args.concurrency_seconds), *recipe_args)
    result["questions"] = q
    log(f"{t}: ask p50 {q['ask']['p50_ms']} ms, p95 {q['ask']['p95_ms']} ms; "
        f"concurrency {q.get('concurrency', {}).get('qps', 0):.1f} q/s")

    if not args.no_profile:
        from bench.profile import profile_cold

        result["profile"] = {name: profile_cold(qq, store, out_dir / "profile", f"cold-ask-{name}-{t}")
                             for name, qq in (("rule", RULE_QUESTION), ("document", DOCUMENT_QUESTION))}
    return result


# --- tables ----------------------------------------------------------------------------------------

def f(v, nd: int = 2) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def table(head: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def of_engine(r: dict) -> str:
    """Ingest's rate against the engine's: in model tokens and in the same process where measured so (the mean over
    the rounds), else in chunks/s of two processes (runs before 2026-11-24)."""
    ing, eng = r["ingest"], r.get("engine_alone")
    if "mean_of_engine" in ing:
        return f"{ing['mean_of_engine']:.0%}"
    return f"{ing['chunks_per_s'] / eng['chunks_per_s']:.0%} (chunks/s)" if eng else "–"


def ingest_s(ingest: dict) -> float:
    """Seconds of one cold ingest: the mean over the alternating rounds where there were several."""
    return ingest.get("mean_seconds", ingest["seconds"])


def rounds(r: dict, rc: dict) -> str:
    n = min(len(r["ingest"].get("rounds", [1])), len(rc["ingest"].get("rounds", [1])))
    return f" (mean of {n}, alternating)" if n > 1 else ""


def render(results: dict, header: str | None = None) -> str:
    """The tables of a run; `header` replaces the run's own first line (tables over several runs)."""
    sizes = results["sizes"]
    if header is None:
        load = (f"load average {results['loadavg_start'][0]:.1f} at the start, "
                f"{results['loadavg_end'][0]:.1f} at the end")
        header = f"Run {results['started']} on {results['machine']} ({results['wall_seconds'] / 60:.1f} min; {load})."
    out = [header]
    carried = [f"{tag(r['scale'])} (build {r['carried_from']})" for r in sizes if r.get("carried_from")]
    if carried:
        out += ["", f"Ingest and re-ingest figures of {', '.join(carried)} come from the run that built those stores; "
                    "the questions were measured again on them (`--questions-only`)."]
    out += ["", "**Ingest** (fresh store, empty embedding cache; rates over build_index's seconds)", ""]
    out.append(table(
        ["size", "docs", "chunks", "tokens", "ingest s", "docs/s", "chunks/s", "tokens/s", "embedding share",
         "engine alone chunks/s", "ingest ÷ engine", "index on disk", "embedding cache", "peak RSS"],
        [[tag(r["scale"]), r["ingest"]["docs"], r["ingest"]["chunks"], f(r["corpus"]["tokens"]),
          f(r["ingest"]["seconds"], 1), f(r["ingest"]["docs_per_s"]), f(r["ingest"]["chunks_per_s"]),
          f(r["ingest"]["tokens_per_s"], 0), f"{r['ingest']['embed_share']:.0%}",
          f"{f(r['engine_alone']['chunks_per_s'])} ({r['engine_alone']['chunks']} chunks)" if r.get("engine_alone") else "–",
          of_engine(r), mb(r["ingest"]["index_bytes"]), mb(r["ingest"]["cache_bytes"]),
          f"{r['ingest']['peak_rss_mb']:.0f} MB"]
         for r in sizes]))
    out += ["", "**Re-ingest** (the embedding cache at work)", ""]
    out.append(table(
        ["size", "unchanged corpus, same store", "fresh store sharing the cache file", "embedded", "vs cold ingest"],
        [[tag(r["scale"]), f"{f(r['reingest_unchanged']['seconds'], 2)} s (process {f(r['reingest_unchanged']['process_seconds'], 1)} s)",
          f"{f(r['ingest_shared_cache']['seconds'], 1)} s", r["ingest_shared_cache"]["embedded"],
          f"{r['ingest']['seconds'] / r['ingest_shared_cache']['seconds']:.0f}x faster"] for r in sizes]))
    out += ["", "**Questions** (cold = `assistant ask` in a new process, median; in-process over the eval set after warm-up)", ""]
    out.append(table(
        ["size", "cold rule", "cold document", "ask p50", "ask p95", "rule p50", "document p50", "retrieval p50",
         "retrieval p95", "errors"],
        [[tag(r["scale"]), f"{r['cold_ask']['rule']['median_s']:.2f} s", f"{r['cold_ask']['document']['median_s']:.2f} s",
          f"{f(q['ask']['p50_ms'], 0)} ms", f"{f(q['ask']['p95_ms'], 0)} ms", f"{f(q['ask_rule']['p50_ms'], 0)} ms",
          f"{f(q['ask_document']['p50_ms'], 0)} ms", f"{f(q['retrieval']['hybrid']['p50_ms'], 0)} ms",
          f"{f(q['retrieval']['hybrid']['p95_ms'], 0)} ms", len(q["errors"])]
         for r in sizes for q in [r["questions"]]]))
    conc = [r for r in sizes if "concurrency" in r["questions"]]
    if conc:
        out += ["", "**Concurrency** (threads asking the eval questions through one `Assistant`)", ""]
        out.append(table(["size", "threads", "seconds", "questions", "questions/s", "p50", "p95", "errors", "mismatches"],
                         [[tag(r["scale"]), c["threads"], f(c["seconds"], 1), c["questions"], f(c["qps"]),
                           f"{f(c['p50_ms'], 0)} ms", f"{f(c['p95_ms'], 0)} ms", c["errors"], c.get("mismatches", "–")]
                          for r in conc for c in [r["questions"]["concurrency"]]]))
    rec = [r for r in sizes if "recipe" in r]
    if rec:
        out += ["", "**Against the plain LangChain recipe** (same data, same embedding model; ratio = ours / recipe; "
                "retrieval timed question by question in one process, alternating ours and the recipe's)", ""]

        def lat(q: dict, rc: dict, side: str, pct: str) -> float:
            if "interleaved" in q:
                return q["interleaved"][side][pct]
            return q["hybrid"][pct] if side == "ours" else rc["query"][pct]

        out.append(table(
            ["size", "chunks ours / recipe", "ingest s ours / recipe", "ratio", "retrieval p50 ours / recipe", "ratio",
             "retrieval p95 ratio", "cold document ask / cold recipe query", "recall@5 ours (hybrid) / ours dense / recipe"],
            [[tag(r["scale"]), f"{r['ingest']['chunks']} / {rc['ingest']['chunks']}",
              f"{f(ingest_s(r['ingest']), 1)} / {f(ingest_s(rc['ingest']), 1)}{rounds(r, rc)}",
              f"{ingest_s(r['ingest']) / ingest_s(rc['ingest']):.2f}",
              f"{f(lat(q, rc, 'ours', 'p50_ms'), 1)} / {f(lat(q, rc, 'recipe', 'p50_ms'), 1)} ms",
              f"{lat(q, rc, 'ours', 'p50_ms') / lat(q, rc, 'recipe', 'p50_ms'):.2f}",
              f"{lat(q, rc, 'ours', 'p95_ms') / lat(q, rc, 'recipe', 'p95_ms'):.2f}",
              f"{r['cold_ask']['document']['median_s']:.2f} / {rc['cold_query_s']:.2f} s",
              f"{q['hybrid']['recall@5']:.3f} / {q['dense']['recall@5']:.3f} / {rc['query']['recall@5']:.3f}"]
             for r in rec for rc, q in [(r["recipe"], r["questions"]["retrieval"])]]))
    if len(sizes) > 1:
        base = sizes[0]
        out += ["", f"**Growth** (each size against {tag(base['scale'])})", ""]

        def g(r, get):
            return f"{get(r) / get(base):.1f}x"

        out.append(table(
            ["size", "chunks", "ingest s", "s per chunk", "cold rule", "cold document", "ask p50", "retrieval p50",
             "questions/s (8 threads)"],
            [[tag(r["scale"]), g(r, lambda x: x["ingest"]["chunks"]), g(r, lambda x: x["ingest"]["seconds"]),
              g(r, lambda x: x["ingest"]["seconds"] / x["ingest"]["chunks"]),
              g(r, lambda x: x["cold_ask"]["rule"]["median_s"]), g(r, lambda x: x["cold_ask"]["document"]["median_s"]),
              g(r, lambda x: x["questions"]["ask"]["p50_ms"]), g(r, lambda x: x["questions"]["retrieval"]["hybrid"]["p50_ms"]),
              g(r, lambda x: x["questions"]["concurrency"]["qps"]) if conc else "–"]
             for r in sizes[1:]]))
    prof = [r for r in sizes if "profile" in r]
    if prof:
        out += ["", "**Cold ask, where the time goes** (pyinstrument; seconds by the package it ran under)", ""]
        rows = []
        for r in prof:
            for name, p in r["profile"].items():
                top = ", ".join(f"{k} {v:.2f}" for k, v in list(p["by_owner_s"].items())[:6])
                rows.append([tag(r["scale"]), name, f"{p['plain_wall_s']:.2f} s", top])
        out.append(table(["size", "question", "wall (no profiler)", "largest owners (s)"], rows))
    return "\n".join(out) + "\n"


def print_newest(out_dir: Path) -> int:
    """The tables over the newest run of each size (the sizes the growth curve shows), smallest size first."""
    from bench.plot import newest_per_size

    sizes, used = newest_per_size(sorted(out_dir.glob("bench-*.json")))
    if not sizes:
        print(f"bench.run: no measured sizes in {out_dir}", file=sys.stderr)
        return 1
    sizes.sort(key=lambda s: s["scale"])
    print(render({"sizes": sizes}, header=f"The newest run of each size: {', '.join(used)} (`python -m bench.run "
                                          "--tables`; each run's machine and load are in its JSON file)."))
    return 0


# --- entry point -----------------------------------------------------------------------------------

def compile_project() -> None:
    """Compile the project's modules as scripts/setup.sh does, so a cold ask is not timed compiling changed sources
    (PYTHONDONTWRITEBYTECODE keeps Python from writing them itself)."""
    import compileall

    for pkg in ("assistant", "ingest", "rules", "evals"):
        compileall.compile_dir(ROOT / pkg, quiet=1, workers=0)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1,10", help="corpus sizes as multiples of the seed corpus (default 1,10)")
    p.add_argument("--with-100x", action="store_true", help="add the 100x point (1.5-2 hours on 2 cores)")
    p.add_argument("--out", default=str(ROOT / "bench" / "results"), help="folder for JSON, tables and profiles")
    p.add_argument("--work", default=str(ROOT / "bench" / ".work"), help="folder for corpora and stores (rebuilt)")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--concurrency-seconds", type=float, default=30)
    p.add_argument("--engine-sample", type=int, default=64, help="chunks the engine embeds alone (even sample)")
    p.add_argument("--cold-repeats", type=int, default=3)
    p.add_argument("--ingest-rounds", type=int, default=0,
                   help="cold ingests of ours and of the recipe each, in alternating order (default: 4 at 1x, 2 at 10x, "
                        "1 above or without the recipe)")
    p.add_argument("--cases", type=int, default=0, help="use only the first N eval cases (0: all)")
    p.add_argument("--no-recipe", action="store_true", help="skip the LangChain recipe comparison")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--plot", default=str(ROOT / "bench" / "growth.svg"),
                   help="where to write the growth curve (bench/growth.svg, shown in bench/README.md); '' for none")
    p.add_argument("--quick", action="store_true", help="smoke run: 10 cases, 3 s concurrency, 16-chunk engine sample, 1 cold run")
    p.add_argument("--warm-cache", help="development only: start ingest from this embeddings.sqlite (not a cold ingest)")
    p.add_argument("--questions-only", action="store_true",
                   help="re-measure the questions (cold asks, latency, concurrency, recipe queries) on the corpus and "
                        "stores the newest earlier run of each size left in --work; its ingest figures are carried over")
    p.add_argument("--tables", action="store_true",
                   help="measure nothing: print the tables of the newest run of each size in --out (for bench/README.md)")
    args = p.parse_args(argv)
    if args.tables:
        return print_newest(Path(args.out))
    compile_project()
    if args.quick:
        args.cases, args.concurrency_seconds, args.engine_sample, args.cold_repeats, args.ingest_rounds = 10, 3, 16, 1, 1
    scales = [float(s) for s in args.sizes.split(",") if s.strip()]
    if args.with_100x and 100.0 not in scales:
        scales.append(100.0)
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    # Cold starts should not include compiling our sources (PYTHONDONTWRITEBYTECODE may be set); as test.sh does.
    subprocess.run([sys.executable, "-m", "compileall", "-q", *PACKAGES], cwd=ROOT, check=True,
                   capture_output=True)
    started = time.perf_counter()
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "command": " ".join(["python -m bench.run", *sys.argv[1:]]),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "settings": {k: v for k, v in vars(args).items()}, "loadavg_start": os.getloadavg(), "sizes": []}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for scale in scales:
        results["sizes"].append(measure_size(scale, args, out_dir))
        results["wall_seconds"] = time.perf_counter() - started
        results["loadavg_end"] = os.getloadavg()
        for name in (f"bench-{stamp}.json", "latest.json"):
            (out_dir / name).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    text = render(results)
    (out_dir / "latest.md").write_text(text, encoding="utf-8")
    if args.plot:  # the growth curve over the newest run of each size, this one included
        from bench.plot import write as write_plot

        write_plot(sorted(out_dir.glob("bench-*.json")), Path(args.plot))
    print(text)
    errors = sum(len(r["questions"]["errors"]) + r["questions"].get("concurrency", {}).get("errors", 0)
                 for r in results["sizes"])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
