"""``make bench``: run every ``benchmarks/bench_*.py`` module's ``main()`` in turn.

Each benchmark times pmo beside a peer or a naive baseline in the same run and prints the ratio.
Pass module names to run only some: ``python -m benchmarks bench_cpm``.
"""

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    names = sys.argv[1:] or sorted(
        info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if info.name.startswith("bench_")
    )
    for name in names:
        print(f"\n=== {name}", flush=True)
        sys.argv = [f"benchmarks.{name}"]  # each benchmark parses its own options, with their defaults here
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main()
