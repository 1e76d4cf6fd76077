"""scripts/peers/churn.py: steady-state allocation churn in plain Python,
the work of bench/wl_churn.c with its options and defaults.

`live` blocks (bytearrays) of random payload size in [min-size, max-size]
are held in one list; each of `steps` steps drops a random block (CPython
frees it at once, by refcount) and allocates a new one in its place. Every
block is tagged in its first and last 8 bytes, the tag remembered in a side
list and checked after timing. Random numbers come from random.Random(seed)
(the sizes follow the C workload's distributions, not its exact sequence).

ops = steps. Usage: see scripts/peers/mmbpeer.py.
"""
import os
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmbpeer  # noqa: E402
from mmbpeer import Opt  # noqa: E402

OPTIONS = [
    Opt("live", "int", 10000, 1, 100000000, "blocks alive at any time"),
    Opt("steps", "int", 10000000, 0, 10 ** 12, "free-one-allocate-one steps (ops)"),
    Opt("min-size", "size", 8, 8, 1 << 30, "smallest block payload, bytes"),
    Opt("max-size", "size", 512, 8, 1 << 30, "largest block payload, bytes"),
    Opt("dist", "enum", 0, 0, 1, "block size distribution", "uniform|pareto"),
]
PARETO_SHAPE = 1.2  # as the C workload: most blocks small, a few near max-size


def size_drawer(rng, lo, hi, pareto):
    """A function giving the next block size."""
    unit = rng.random
    if pareto:
        return lambda: min(hi, int(lo / (1.0 - unit()) ** (1.0 / PARETO_SHAPE)))
    span = hi - lo + 1
    return lambda: lo + int(unit() * span)


def new_block(size, tag):
    b = bytearray(size)
    t = tag.to_bytes(8, "little")
    b[0:8] = t
    if size >= 16:
        b[size - 8:size] = t
    return b


def tags_ok(arr, tags):
    for b, t in zip(arr, tags):
        tb = t.to_bytes(8, "little")
        if b[0:8] != tb or (len(b) >= 16 and b[len(b) - 8:] != tb):
            return False
    return True


def run(v, seed, m):
    live, steps = v["live"], v["steps"]
    lo, hi = v["min-size"], max(v["min-size"], v["max-size"])
    rng = random.Random(seed)
    draw, unit = size_drawer(rng, lo, hi, v["dist"] == 1), rng.random
    tags = list(range(live))
    arr = [new_block(draw(), t) for t in tags]
    tag = live
    m.begin()
    for _ in range(steps):
        i = int(unit() * live)
        arr[i] = None
        arr[i] = new_block(draw(), tag)
        tags[i] = tag
        tag += 1
    m.end()
    m.ops, m.allocs = steps, live + 1 + steps
    return tags_ok(arr, tags)


if __name__ == "__main__":
    mmbpeer.main("churn", OPTIONS, run)
