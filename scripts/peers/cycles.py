"""scripts/peers/cycles.py: garbage cycles beside a live set, in plain
Python, the same work as bench/wl_cycles.c with its options and defaults.

`pairs` times, a ring of `ring` objects (each referring to the next, the
last to the first, and carrying its ring's number) is built and forgotten,
as a program forgets a cycle; meanwhile `live` objects stay reachable from
one list. Refcounting alone never frees a ring: CPython's cycle collector
(generation 0 every 700 net allocations) does; PyPy's GC traces them away.

ops = rings built. Verification (after timing, after gc.collect()): every
object of the live set is intact, and no ring object is left among the
objects the collector tracks (CPython lists every tracked object, so this is
the C workload's live count; PyPy lists the reachable ones).
Usage: see scripts/peers/mmbpeer.py.
"""
import gc
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmbpeer  # noqa: E402
from mmbpeer import Opt  # noqa: E402

OPTIONS = [
    Opt("pairs", "int", 100000, 0, 10 ** 9, "rings built and dropped (ops)"),
    Opt("ring", "int", 2, 2, 1000000, "objects per ring"),
    Opt("live", "int", 10000, 0, 100000000, "objects kept alive in a rooted array meanwhile"),
]


class Ring(object):
    __slots__ = ("next", "id")

    def __init__(self, ident):
        self.next = None
        self.id = ident


class Live(object):
    __slots__ = ("i", "tag")

    def __init__(self, i):
        self.i = i
        self.tag = live_tag(i)


def live_tag(i):
    return mmbpeer.splitmix64(i)[1]


def build_ring(n, ident):
    head = Ring(ident)
    cur = head
    for _ in range(1, n):
        cur.next = Ring(ident)
        cur = cur.next
    cur.next = head


def live_set_ok(live_set, n):
    return len(live_set) == n and all(o.i == i and o.tag == live_tag(i) for i, o in enumerate(live_set))


def run(v, seed, m):
    pairs, ring, live = v["pairs"], v["ring"], v["live"]
    live_set = [Live(i) for i in range(live)]
    m.begin()
    for p in range(pairs):
        build_ring(ring, p)
    m.end()
    m.ops, m.allocs = pairs, live + 1 + pairs * ring
    gc.collect()
    rings_left = sum(1 for o in gc.get_objects() if type(o) is Ring)
    return live_set_ok(live_set, live) and rings_left == 0


if __name__ == "__main__":
    mmbpeer.main("cycles", OPTIONS, run)
