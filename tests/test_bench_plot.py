"""bench/plot.py: the growth curve takes each size from the newest real run and draws every measured line."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from bench.plot import newest_per_size, write

SVG = "{http://www.w3.org/2000/svg}"


def _size(scale: float, ingest_s: float, recipe: bool = True) -> dict:
    size = {"scale": scale, "ingest": {"seconds": ingest_s},
            "cold_ask": {"rule": {"median_s": 0.3}, "document": {"median_s": 0.8}},
            "questions": {"ask": {"p95_ms": 70.0},
                          "retrieval": {"hybrid": {"p50_ms": 35.0, "recall@5": 0.9}, "dense": {"recall@5": 0.85}}}}
    if recipe:
        size["recipe"] = {"ingest": {"seconds": ingest_s * 1.05}, "cold_query_s": 2.0,
                          "query": {"p50_ms": 36.0, "recall@5": 0.7}}
    return size


def test_newest_run_per_size_and_smoke_runs_left_out(tmp_path):
    files = []
    for name, started, settings, sizes in [
        ("old", "2026-11-01T10:00:00", {}, [_size(1, 30.0), _size(10, 300.0)]),
        ("new", "2026-11-02T10:00:00", {}, [_size(1, 28.0)]),
        ("smoke", "2026-11-03T10:00:00", {"quick": True}, [_size(1, 99.0)]),
        ("hundred", "2026-11-04T10:00:00", {}, [_size(100, 3000.0, recipe=False)]),
    ]:
        path = tmp_path / f"bench-{name}.json"
        path.write_text(json.dumps({"started": started, "settings": settings, "sizes": sizes}), encoding="utf-8")
        files.append(path)
    (tmp_path / "bench-broken.json").write_text("{", encoding="utf-8")
    files.append(tmp_path / "bench-broken.json")

    sizes, used = newest_per_size(files)
    assert {s["scale"]: s["ingest"]["seconds"] for s in sizes} == {1: 28.0, 10: 300.0, 100: 3000.0}
    assert used == ["2026-11-01T10:00:00", "2026-11-02T10:00:00", "2026-11-04T10:00:00"]

    out = write(files, tmp_path / "growth.svg")
    root = ET.parse(out).getroot()
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 11  # four panels: 2 + 3 + 3 + 3 lines of ours and the recipe
    ours_ingest = lines[0].get("points").split()
    assert len(ours_ingest) == 3  # 1x, 10x, 100x
    assert [t.text for t in root.findall(f"{SVG}text") if t.text and t.text.endswith("x")][:3] == ["1x", "10x", "100x"]


def test_no_measured_size_writes_nothing(tmp_path):
    assert write([], tmp_path / "growth.svg") is None and not (tmp_path / "growth.svg").exists()
