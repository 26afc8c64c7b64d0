"""The splits of the golden set: `dev` (tuned on), `test` and `ooc` (never tuned on), and their case files."""
from __future__ import annotations

from pathlib import Path

EVALS_DIR = Path(__file__).resolve().parent
SPLITS = ("dev", "test", "ooc")
CASE_FILES = {"dev": EVALS_DIR / "golden.yaml", "test": EVALS_DIR / "test.yaml", "ooc": EVALS_DIR / "ooc.yaml"}
# Splits whose failing cases the report does not list: whoever tunes the assistant sees only aggregates.
HELD_OUT = ("test", "ooc")
# The least each split must hold (cases, abstentions): what makes its figures worth gating on.
MINIMUM_SIZE = {"dev": (110, 9), "test": (60, 10), "ooc": (40, 6)}


def load_cases(split: str = "dev") -> list[dict]:
    """The cases of one split (dev by default: the benchmarks time the dev questions)."""
    import yaml  # imported here: the CLI imports this module to build its parser, for every command

    return yaml.safe_load(CASE_FILES[split].read_text(encoding="utf-8"))["cases"]


def chosen(split: str | None) -> tuple[str, ...]:
    """The splits one run measures: one of SPLITS, or all of them for "all" or None."""
    if split in (None, "all"):
        return SPLITS
    if split not in SPLITS:
        raise ValueError(f"unknown split '{split}': choose one of {', '.join(SPLITS)} or all.")
    return (split,)
