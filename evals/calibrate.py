"""Lists the evidence behind the abstention thresholds in assistant/evidence.py.

For every golden document question: the best dense similarity and the question-term coverage of the top
passages, sorted, with whether the case should abstain. Run: .venv/bin/python -m evals.calibrate
It reads the dev split only: calibrating on test or ooc would make them tuned-on (evals/GOLDEN.md).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from assistant.api import Assistant
from assistant.config import load_settings
from assistant.intents import recognise


def main() -> None:
    evidence = Assistant(load_settings()).evidence()
    cases = yaml.safe_load((Path(__file__).parent / "golden.yaml").read_text(encoding="utf-8"))["cases"]
    rows = []
    for c in cases:
        q, as_of = c["question"][-4000:], c.get("as_of") or date(2026, 3, 1)
        if recognise(q, as_of).name != "document":
            continue
        hits = evidence.retriever.search(q, k=5, as_of=as_of)
        dense = max((h.dense_score or 0.0) for h in hits) if hits else 0.0
        cov = max(evidence.coverage(q, h) for h in hits[:3]) if hits else 0.0
        rows.append((dense, cov, bool(c.get("abstain")), c["id"], q[:70]))
    print("dense  coverage  abstain  case")
    for dense, cov, abstain, cid, q in sorted(rows):
        print(f"{dense:.3f}  {cov:8.2f}  {str(abstain):7}  {cid}  {q}")


if __name__ == "__main__":
    main()
