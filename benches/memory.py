#!/usr/bin/env python3
"""Peak memory of nps.group_by beyond its input, per key type and input form.

Each case runs in a fresh process: it builds the input columns, resets the
peak resident set size to the current one (Linux: /proc/self/clear_refs),
groups, and reads the peak (VmHWM); the difference is what grouping
allocated at its peak, the result included.
Scores are uint8; keys have `--groups` distinct values (100 by default: a
dealer network); a second run with `--groups 10000000` measures many keys.

    python3 benches/memory.py --rows 100000000            # every form at 10^8 rows
    python3 benches/memory.py --rows 10000000 --groups 10000000

Results are recorded in benches/README.md ("Memory"). Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASE = r"""
import json, resource, sys, time
import numpy as np
rows, groups, form = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(1)
codes = rng.integers(0, groups, rows, dtype=np.int64)
scores = rng.integers(0, 11, rows, dtype=np.uint8)
def labels():
    return np.array([f"d{i:07d}" for i in range(groups)], dtype=object)
if form == "numpy int64":
    keys = codes
elif form == "numpy uint32":
    keys = codes.astype(np.uint32)
elif form == "pandas categorical":
    import pandas as pd
    keys = pd.Categorical.from_codes(codes.astype(np.int32), categories=labels())
elif form == "pandas str":
    import pandas as pd
    keys = pd.Series(labels()[codes], dtype="str")  # pandas 3: Arrow-backed
elif form == "pandas object str":
    import pandas as pd
    keys = pd.Series(labels()[codes], dtype=object)
elif form == "pyarrow string":
    import pyarrow as pa
    keys = pa.array(labels()[codes], type=pa.large_string())
elif form == "pyarrow dictionary":
    import pyarrow as pa
    keys = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(labels()))
elif form == "polars string":
    import polars as pl
    keys = pl.Series(labels()[codes], dtype=pl.String)
elif form == "polars categorical":
    import polars as pl
    keys = pl.Series(labels()[codes], dtype=pl.Categorical)
else:
    raise SystemExit(f"unknown form {form}")
distinct = len(np.unique(codes))
del codes
import ctypes, gc
gc.collect()
# Give freed heap pages back to the system: otherwise grouping could reuse
# them without its peak showing.
ctypes.CDLL("libc.so.6").malloc_trim(0)
import nps
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
# Reset the peak (VmHWM) to the current size, so that building the input
# does not hide what grouping allocates.
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status("VmRSS")
t = time.perf_counter()
g = nps.group_by(keys, scores, min_n=0)
seconds = time.perf_counter() - t
after = status("VmHWM")
assert len(g) == distinct, (len(g), distinct)
print(json.dumps({"extra": after - before, "input": before, "seconds": seconds}))
"""

FORMS = ["numpy int64", "numpy uint32", "pandas categorical", "pyarrow dictionary",
         "polars categorical", "pyarrow string", "polars string", "pandas str",
         "pandas object str"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10**8)
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--forms", nargs="*", default=FORMS)
    a = ap.parse_args()
    print(f"rows {a.rows:,}, distinct keys {a.groups:,}")
    print(f"{'input form':<22} {'grouping peak':>14} {'per row':>9} {'per key':>9} {'time':>8}")
    for form in a.forms:
        out = subprocess.run([sys.executable, "-c", CASE, str(a.rows), str(a.groups), form],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{form:<22} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout)
        extra = max(r["extra"], 0)
        print(f"{form:<22} {extra / 2**20:>11.1f} MiB {extra / a.rows:>7.2f} B "
              f"{extra / a.groups:>7.0f} B {r['seconds']:>7.2f}s")


if __name__ == "__main__":
    main()
