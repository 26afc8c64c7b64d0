"""`python -m evals`: the same run as `assistant eval`, plus --show-held-out for fixing a case."""
from __future__ import annotations

import argparse
import sys

from evals.options import add_arguments
from evals.run import main

parser = add_arguments(argparse.ArgumentParser(prog="python -m evals", description=__doc__))
parser.add_argument("--show-held-out", action="store_true",
                    help="also list the failing test/ooc cases (only to fix a case that is wrong about its document)")
try:
    sys.exit(main(parser.parse_args()))
except ValueError as exc:  # a bad --store or --planner: one sentence, as `assistant eval` does
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)
