"""Benchmark: read a 1,000,000-member roster with pyarrow's CSV reader and with pandas' C parser.

``evaluate.data.validation`` reads a club's CSV files with pyarrow and keeps the C parser
for what pyarrow refuses (to word the error, or to read short rows and quoted line breaks).
This times both on the roster of ``bench/data_scale.py`` (``bench/out/data-scale-1000000/
members.csv``, made by that script when missing), each in a fresh process so that its peak
memory is its own: best of 3 wall seconds, and the peak resident memory (``ru_maxrss``).

Run on demand: ``python bench/csv_engine.py [--members N]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

from evaluate.paths import PROJECT_ROOT
from timing import best_of

OUT = PROJECT_ROOT / "bench" / "out"


def measure(path: Path, engine: str) -> dict:
    """Seconds (best of 3) and peak GiB of reading ``path`` whole as text with ``engine``."""
    import pandas as pd

    from evaluate.data.validation import read_text_table

    def pyarrow() -> object:
        return read_text_table(path, what="the roster", fix_missing="")

    def c_parser() -> object:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                           index_col=False)

    seconds = best_of(3, pyarrow if engine == "pyarrow" else c_parser)
    return {"seconds": round(seconds, 2),
            "peak_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), args.measure[1])))
        return
    roster = OUT / f"data-scale-{args.members}" / "members.csv"
    if not roster.is_file():
        subprocess.run([sys.executable, str(Path(__file__).with_name("data_scale.py")),
                        "--members", str(args.members)], check=True)
    size = roster.stat().st_size / 1e6
    print(f"reading {roster} ({size:,.0f} MB) as text, best of 3, each engine in its own "
          "process")
    figures = {}
    for engine in ("pyarrow", "c"):
        child = subprocess.run([sys.executable, __file__, "--measure", str(roster), engine],
                               check=True, capture_output=True, text=True)
        figures[engine] = json.loads(child.stdout)
        print(f"  {engine:8s} {figures[engine]['seconds']:6.2f} s   "
              f"peak {figures[engine]['peak_gib']:.2f} GiB")
    print(f"  pyarrow is {figures['c']['seconds'] / figures['pyarrow']['seconds']:.1f}x as fast")


if __name__ == "__main__":
    main()
