"""Summarise a py-spy raw (collapsed) profile: for each phase function, the inclusive and own share of
its samples by function.  python bench/spy_summary.py spy.txt "load_cases (chase/night.py,deliver (outbox/send.py" [top]
"""

import collections
import re
import sys
import sysconfig
from pathlib import Path

# Frames are shown relative to the project, site-packages or the standard library, wherever they are.
PREFIXES = (
    sysconfig.get_paths()["purelib"] + "/",
    str(Path(__file__).resolve().parent.parent) + "/",
    sysconfig.get_paths()["stdlib"] + "/",
)


def short(frame: str) -> str:
    frame = re.sub(r":\d+\)$", ")", frame.strip())
    for prefix in PREFIXES:
        frame = frame.replace(prefix, "")
    return frame


phases = {k: k for k in sys.argv[2].split(",")}
with open(sys.argv[1]) as source:
    lines = [line.rsplit(" ", 1) for line in source if line.strip()]
for name, key in phases.items():
    sel = [(s, int(n)) for s, n in lines if key in s]
    total = sum(n for _, n in sel)
    incl = collections.Counter()
    own = collections.Counter()
    for s, n in sel:
        frames = s.split(";")
        i = max(j for j, f in enumerate(frames) if key in f)
        seen = set()
        for f in frames[i:]:
            fn = short(f)
            if fn not in seen:
                incl[fn] += n
                seen.add(fn)
        own[short(frames[-1])] += n
    print(f"\n=== {name}: {total} samples ({total / 200:.1f} s at 200 Hz)")
    print("-- inclusive --")
    for fn, n in incl.most_common(int(sys.argv[3]) if len(sys.argv) > 3 else 25):
        print(f"{n / total:6.1%}  {fn}")
    print("-- own --")
    for fn, n in own.most_common(12):
        print(f"{n / total:6.1%}  {fn}")
