"""Time and peak memory of ``recommend`` on CORDIS H2020 (city and organisation level).

Run: ``NETLENS_SHARED_DATA=/work/shared/data python bench/bench_recommend.py [city|organisation]``. Prints the load
time, the recommendation time, the peak resident memory of the process (``resource.getrusage``, includes the load)
and the top recommendations. Issue 12's targets at organisation level: within 30 s and 2 GB.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

from netlens.analysis.recommend import recommend
from netlens.read import read_cordis
from netlens.validation import validate_or_raise


def main() -> None:
    level = sys.argv[1] if len(sys.argv) > 1 else "organisation"
    data = Path(os.environ.get("NETLENS_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    t0 = time.perf_counter()
    net = validate_or_raise(read_cordis(data / "cordis-h2020-participation" / "h2020.csv"))[0]
    t1 = time.perf_counter()
    rss_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rec = recommend(net, level=level, top=10)
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"level {level}: load {t1 - t0:.1f} s (peak RSS {rss_load:,.0f} MB); recommend {t2 - t1:.1f} s; peak RSS {rss:,.0f} MB")
    print(f"candidates {rec.attrs.get('candidates')}; why: {rec.attrs.get('why')!r}")
    for r in rec.itertuples(index=False):
        print(f"  {r.a_name} – {r.b_name}: {r.score:.3g}; {r.explanation[:300]}")


if __name__ == "__main__":
    main()
