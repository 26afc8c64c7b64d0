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


def test_ingest_against_recipe_and_engine_use_the_rounds_mean_and_model_tokens():
    from types import SimpleNamespace

    from bench.run import ingest_rounds, ingest_s, of_engine, rounds

    ours = {"seconds": 20.9, "rounds": [21.1, 23.9, 21.8, 20.9], "mean_seconds": 21.925, "chunks_per_s": 6.08,
            "mean_of_engine": 0.96}
    recipe = {"seconds": 21.0, "rounds": [20.3, 24.5, 21.2, 21.0], "mean_seconds": 21.75}
    run = {"ingest": ours, "engine_alone": {"chunks_per_s": 6.23}}
    assert ingest_s(ours) / ingest_s(recipe) == 21.925 / 21.75  # the mean over rounds, not the last run
    assert rounds(run, {"ingest": recipe}) == " (mean of 4, alternating)"
    assert of_engine(run) == "96%"  # in model tokens, same process
    old = {"ingest": {"seconds": 23.8, "chunks_per_s": 5.33}, "engine_alone": {"chunks_per_s": 6.39}}
    assert ingest_s(old["ingest"]) == 23.8 and rounds(old, {"ingest": {"seconds": 21.3}}) == ""
    assert of_engine(old) == "83% (chunks/s)"  # runs before the change say how they were measured
    assert ingest_rounds(1.0, SimpleNamespace(ingest_rounds=0, no_recipe=False)) == 4
    assert ingest_rounds(10.0, SimpleNamespace(ingest_rounds=0, no_recipe=False)) == 2
    assert ingest_rounds(100.0, SimpleNamespace(ingest_rounds=0, no_recipe=False)) == 1  # 40 minutes a round
    assert ingest_rounds(1.0, SimpleNamespace(ingest_rounds=0, no_recipe=True)) == 1  # nothing to alternate with
    assert ingest_rounds(10.0, SimpleNamespace(ingest_rounds=3, no_recipe=False)) == 3
