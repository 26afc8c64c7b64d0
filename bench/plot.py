"""The growth curve as an SVG: ingest time, cold questions, in-process latency and recall@5 by corpus size.

    .venv/bin/python -m bench.plot                          # every bench/results/bench-*.json -> bench/growth.svg
    .venv/bin/python -m bench.plot A.json B.json -o out.svg

Each size is taken from the newest run that measured it, so a 100x point run on its own joins the 1x and 10x
of a full run. `python -m bench.run` calls this at its end. Plain SVG, no plotting library: four small panels with a
logarithmic size axis, ours as solid lines and the LangChain recipe as dashed ones.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_OUT = ROOT / "bench" / "growth.svg"

W, H = 330, 220  # one panel
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 28, 34
OURS, RECIPE = "#1f5fa8", "#c0392b"


def _get(d: dict, *path, default=None):
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def series(sizes: list[dict]) -> list[dict]:
    """The panels: title, unit, log scale, and per line (label, colour, dashed, [(scale, value)])."""
    def line(label, colour, dashed, *path):
        pts = [(r["scale"], _get(r, *path)) for r in sizes]
        return (label, colour, dashed, [(s, float(v)) for s, v in pts if isinstance(v, (int, float)) and v > 0])

    return [
        {"title": "Ingest, cold embedding cache", "unit": "s", "log": True, "lines": [
            line("ours", OURS, False, "ingest", "seconds"),
            line("recipe", RECIPE, True, "recipe", "ingest", "seconds")]},
        {"title": "Cold question (new process)", "unit": "s", "log": False, "lines": [
            line("ours, rule", OURS, False, "cold_ask", "rule", "median_s"),
            line("ours, document", "#2e8b57", False, "cold_ask", "document", "median_s"),
            line("recipe, query", RECIPE, True, "recipe", "cold_query_s")]},
        {"title": "In process", "unit": "ms", "log": False, "lines": [
            line("ours, ask p95", OURS, False, "questions", "ask", "p95_ms"),
            line("ours, retrieval p50", "#2e8b57", False, "questions", "retrieval", "hybrid", "p50_ms"),
            line("recipe, retrieval p50", RECIPE, True, "recipe", "query", "p50_ms")]},
        {"title": "recall@5, dev cases about the seeds", "unit": "", "log": False, "lines": [
            line("ours (hybrid)", OURS, False, "questions", "retrieval", "hybrid", "recall@5"),
            line("ours (dense)", "#2e8b57", False, "questions", "retrieval", "dense", "recall@5"),
            line("recipe", RECIPE, True, "recipe", "query", "recall@5")]},
    ]


def _panel(p: dict, x0: float, y0: float, scales: list[float]) -> list[str]:
    values = [v for _, _, _, pts in p["lines"] for _, v in pts]
    out = [f'<text x="{x0 + LEFT}" y="{y0 + 16}" font-size="12" font-weight="bold">{escape(p["title"])}</text>']
    if not values or not scales:
        return out + [f'<text x="{x0 + LEFT}" y="{y0 + H / 2}" font-size="11">not measured</text>']
    lo, hi = min(values), max(values)
    if p["log"]:
        lo, hi = math.log10(lo) - 0.1, math.log10(hi) + 0.1
    else:
        pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
        lo, hi = max(0.0, lo - pad), hi + pad
    xs = [math.log10(s) for s in scales]
    xlo, xhi = min(xs) - 0.15, max(xs) + 0.15
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(s: float) -> float:
        return x0 + LEFT + (math.log10(s) - xlo) / (xhi - xlo) * pw

    def py(v: float) -> float:
        v = math.log10(v) if p["log"] else v
        return y0 + TOP + ph - (v - lo) / (hi - lo) * ph

    out.append(f'<rect x="{x0 + LEFT}" y="{y0 + TOP}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
    for s in scales:
        out.append(f'<text x="{px(s):.1f}" y="{y0 + H - 18}" font-size="10" text-anchor="middle">{s:g}x</text>')
    ticks = [lo + (hi - lo) * i / 4 for i in range(5)]
    for t in ticks:
        label = 10 ** t if p["log"] else t
        y = y0 + TOP + ph - (t - lo) / (hi - lo) * ph
        text = f"{label:.3g}{p['unit']}" if p["unit"] else f"{label:.2f}"
        out.append(f'<text x="{x0 + LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end">{escape(text)}</text>')
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
    legend_y = y0 + H - 4
    legend_x = x0 + LEFT
    for label, colour, dashed, pts in p["lines"]:
        dash = ' stroke-dasharray="5,3"' if dashed else ""
        if pts:
            path = " ".join(f"{px(s):.1f},{py(v):.1f}" for s, v in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            out += [f'<circle cx="{px(s):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>' for s, v in pts]
        out.append(f'<line x1="{legend_x}" x2="{legend_x + 14}" y1="{legend_y - 3}" y2="{legend_y - 3}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{legend_x + 17}" y="{legend_y}" font-size="9">{escape(label)}</text>')
        legend_x += 24 + 5.2 * len(label)
    return out


def render(sizes: list[dict], note: str = "") -> str:
    """One SVG with the four panels over the given sizes (each a bench.run size result)."""
    sizes = sorted(sizes, key=lambda r: r["scale"])
    scales = [r["scale"] for r in sizes]
    panels = series(sizes)
    cols = 2
    rows = math.ceil(len(panels) / cols)
    width, height = cols * W, rows * H + 22
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    for i, p in enumerate(panels):
        parts += _panel(p, (i % cols) * W, (i // cols) * H, scales)
    parts.append(f'<text x="8" y="{height - 6}" font-size="9" fill="#555">{escape(note)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def newest_per_size(files: list[Path]) -> tuple[list[dict], list[str]]:
    """Each size from the newest run (by its start time) that measured it; and which runs were used."""
    runs = []
    for f in files:
        try:
            runs.append(json.loads(Path(f).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            print(f"bench.plot: skipped {f}: not a bench result file", file=sys.stderr)
    chosen: dict[float, tuple[str, dict]] = {}
    for run in sorted(runs, key=lambda r: r.get("started", "")):
        if _get(run, "settings", "quick") or _get(run, "settings", "cases"):
            continue  # a smoke run or a subset of the questions is not a measurement
        for size in run.get("sizes", []):
            if "ingest" in size and "questions" in size:
                chosen[size["scale"]] = (run.get("started", "?"), size)
    return [s for _, s in chosen.values()], sorted({started for started, _ in chosen.values()})


def write(files: list[Path], out: Path) -> Path | None:
    sizes, used = newest_per_size(files)
    if not sizes:
        print("bench.plot: no measured sizes in the given files", file=sys.stderr)
        return None
    note = f"python -m bench.plot; runs {', '.join(used)}; solid: ours, dashed: the LangChain recipe"
    out.write_text(render(sizes, note), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="*", type=Path, help="bench result JSON files (default: bench/results/bench-*.json)")
    p.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    args = p.parse_args(argv)
    files = args.files or sorted(RESULTS.glob("bench-*.json"))
    written = write(files, args.out)
    if written:
        print(f"bench.plot: wrote {written}")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
