"""scripts/peers/msgbuf.py: the gc-latency experiment (a message buffer) in
plain Python, the same work as bench/wl_msgbuf.c with its options and
defaults.

A list of `window` slots is a ring buffer of messages; each of `pushes`
pushes evicts the oldest message and stores a fresh bytearray of msg-size
bytes, filled with one byte value, its push index in the first 8 bytes and
a tag in the last 8. Once full, window x msg-size bytes (about 200 MiB by
default) stay live, all of them old. The figure of merit is worst_op_ms,
the slowest single push (two perf_counter_ns reads around each).

ops = pushes. Verification: the buffer holds exactly the last `window`
messages. Usage: see scripts/peers/mmbpeer.py.
"""
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmbpeer  # noqa: E402
from mmbpeer import Opt  # noqa: E402

OPTIONS = [
    Opt("window", "int", 200000, 1, 100000000, "messages kept in the ring buffer"),
    Opt("pushes", "int", 1000000, 0, 10 ** 12, "messages pushed; each evicts the oldest (ops)"),
    Opt("msg-size", "size", 1024, 16, 1 << 30, "payload bytes of one message"),
]
MSG_TAG_SALT = 0x6d73676275660000   # "msgbuf", as the C workload
FILL_CACHE_MAX = 256 * 1024         # bytes per message up to which fills are precomputed


def msg_tag(push):
    return mmbpeer.splitmix64(push ^ MSG_TAG_SALT)[1]


def fills(size):
    """The 256 possible middles of a message, if small enough to keep."""
    if size > FILL_CACHE_MAX:
        return None
    return [bytes((b,)) * (size - 16) for b in range(256)]


def make_msg(push, size, cache):
    m = bytearray(size)
    b = push & 0xff
    m[8:size - 8] = cache[b] if cache else bytes((b,)) * (size - 16)
    m[0:8] = push.to_bytes(8, "little")
    m[size - 8:size] = msg_tag(push).to_bytes(8, "little")
    return m


def msg_ok(m, push, size):
    return (m is not None and len(m) == size and int.from_bytes(m[0:8], "little") == push and
            int.from_bytes(m[size - 8:size], "little") == msg_tag(push) and
            (size < 24 or m[8] == push & 0xff))


def verify(buf, window, pushes, size):
    first = max(0, pushes - window)
    return (all(msg_ok(buf[p % window], p, size) for p in range(first, pushes)) and
            all(buf[s] is None for s in range(pushes, window)))


def run(v, seed, m):
    window, pushes, size = v["window"], v["pushes"], v["msg-size"]
    cache = fills(size)
    buf = [None] * window
    clock = time.perf_counter_ns
    worst, i = 0, 0
    m.begin()
    for p in range(pushes):
        t0 = clock()
        buf[i] = None
        buf[i] = make_msg(p, size, cache)
        d = clock() - t0
        if d > worst:
            worst = d
        i = 0 if i + 1 == window else i + 1
    m.end()
    m.ops, m.allocs, m.worst_op_ms = pushes, pushes + 1, worst / 1e6
    return verify(buf, window, pushes, size)


if __name__ == "__main__":
    mmbpeer.main("msgbuf", OPTIONS, run)
