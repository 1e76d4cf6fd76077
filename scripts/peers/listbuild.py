"""scripts/peers/listbuild.py: a list versus a generator, the Python idiom
bench/wl_listbuild.c models, with its options and defaults:
mode=materialise is sum([i for i in range(n)]) (n int objects and a list of
n alive at once), mode=stream is sum(i for i in range(n)) (one at a time).
CPython creates an int object for every i above 256; PyPy stores a list of
ints unboxed, which is its point.

ops = n. Verification: the sum is n(n-1)/2.
Usage: see scripts/peers/mmbpeer.py.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmbpeer  # noqa: E402
from mmbpeer import Opt  # noqa: E402

OPTIONS = [
    Opt("mode", "enum", 0, 0, 1, "materialise: build all n in one list, then sum; stream: a generator",
        "materialise|stream"),
    Opt("n", "int", 1000000, 1, 10 ** 9, "int objects created and summed (ops)"),
]


def run(v, seed, m):
    n, stream = v["n"], v["mode"] == 1
    m.begin()
    total = sum(i for i in range(n)) if stream else sum([i for i in range(n)])
    m.end()
    m.ops, m.allocs = n, n + (0 if stream else 1)
    return total == n * (n - 1) // 2


if __name__ == "__main__":
    mmbpeer.main("listbuild", OPTIONS, run)
