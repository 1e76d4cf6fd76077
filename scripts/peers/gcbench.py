"""scripts/peers/gcbench.py: GCBench (Ellis, Kovac, Boehm) in plain Python,
the same work as bench/wl_gcbench.c with the same options and defaults.

A stretch tree of depth stretch-depth is built bottom-up and dropped; a
long-lived tree of depth long-lived-depth is built top-down and kept, with a
long-lived array of `array` doubles (one array.array object, the first half
1/i as GCBench fills it, so element 0 is infinity as in Java and C); then
for each depth d from min-depth to max-depth in steps of 2, NumIters(d)
trees are built top-down (Populate) and dropped, and as many bottom-up
(MakeTree). A node has two references and GCBench's two ints: i is the
node's height and j a tag, which the verification reads. Recursion, as in
the original (depth at most 24).

ops = tree nodes allocated. Verification: the long-lived tree is complete to
its depth (shape, count, heights, tags) and the array holds its values.
Usage: see scripts/peers/mmbpeer.py.
"""
import array
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmbpeer  # noqa: E402
from mmbpeer import Opt  # noqa: E402

OPTIONS = [
    Opt("stretch-depth", "int", 18, 0, 24, "depth of the stretch tree (sets the iteration counts)"),
    Opt("long-lived-depth", "int", 16, 0, 24, "depth of the long-lived tree"),
    Opt("array", "int", 500000, 0, 100000000, "doubles in the long-lived array"),
    Opt("min-depth", "int", 4, 0, 24, "smallest depth of the short-lived trees"),
    Opt("max-depth", "int", 16, 0, 24, "largest depth of the short-lived trees (step 2)"),
]
NODE_TAG = 0x6763  # j of every node ("gc")
DEPTH_STEP = 2


class Node(object):
    __slots__ = ("left", "right", "i", "j")

    def __init__(self, left, right, i):
        self.left = left
        self.right = right
        self.i = i
        self.j = NODE_TAG


def tree_size(depth):
    return (1 << (depth + 1)) - 1


def num_iters(stretch, depth):
    return 2 * tree_size(stretch) // tree_size(depth)


def populate(depth, node):
    """GCBench's Populate: two fresh children below every node, top-down."""
    if depth <= 0:
        return
    depth -= 1
    node.left = Node(None, None, depth)
    node.right = Node(None, None, depth)
    populate(depth, node.left)
    populate(depth, node.right)


def make_tree(depth):
    """GCBench's MakeTree: bottom-up, children before their parent."""
    if depth <= 0:
        return Node(None, None, 0)
    return Node(make_tree(depth - 1), make_tree(depth - 1), depth)


def time_construction(stretch, depth):
    iters = num_iters(stretch, depth)
    for _ in range(iters):
        t = Node(None, None, depth)
        populate(depth, t)
        t = None
    for _ in range(iters):
        t = make_tree(depth)
        t = None
    return 2 * iters * tree_size(depth)


def make_array(n):
    a = array.array("d", bytes(8 * n))
    for i in range(n // 2):
        a[i] = 1.0 / i if i else float("inf")
    return a


def array_ok(a, n):
    return len(a) == n and all(a[i] == ((1.0 / i if i else float("inf")) if i < n // 2 else 0.0)
                               for i in range(n))


def tree_ok(root, depth):
    """Complete to its depth: heights, tags, children; iteratively."""
    stack, count = [(root, 0)], 0
    while stack:
        n, k = stack.pop()
        if n is None or n.i != depth - k or n.j != NODE_TAG:
            return False
        count += 1
        for c in (n.left, n.right):
            if (c is not None) != (k < depth):
                return False
            if c is not None:
                stack.append((c, k + 1))
    return count == tree_size(depth)


def run(v, seed, m):
    stretch, lived = v["stretch-depth"], v["long-lived-depth"]
    m.begin()
    t = make_tree(stretch)
    t = None
    long_lived = Node(None, None, lived)
    populate(lived, long_lived)
    arr = make_array(v["array"])
    nodes = tree_size(stretch) + tree_size(lived)
    for d in range(v["min-depth"], v["max-depth"] + 1, DEPTH_STEP):
        nodes += time_construction(stretch, d)
    m.end()
    m.ops, m.allocs = nodes, nodes + 1
    return tree_ok(long_lived, lived) and array_ok(arr, v["array"])


if __name__ == "__main__":
    mmbpeer.main("gcbench", OPTIONS, run)
