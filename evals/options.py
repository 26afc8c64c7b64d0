"""The options of `assistant eval` (and `python -m evals`), apart from the runner, so that building the CLI's parser
does not import the eval suite."""
from __future__ import annotations

import argparse

from evals.splits import SPLITS


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of `assistant eval` (and `python -m evals`)."""
    parser.add_argument("--report", default="artifacts/eval-report.md", help="Markdown report path (JSON beside it)")
    parser.add_argument("--store", help="the eval's own index folder (default artifacts/eval-store/; never the app's .store/)")
    parser.add_argument("--planner", choices=["deterministic", "model", "both"], default=None)
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all", help="which split(s) to run (default all)")
    parser.add_argument("--no-gate", action="store_true", help="do not fail on thresholds")
    parser.add_argument("--ids", help="only the cases whose id matches this regular expression")
    parser.add_argument("--limit", type=int, help="only the first N cases of each split (after --ids)")
    return parser
