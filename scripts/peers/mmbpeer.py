"""scripts/peers/mmbpeer.py: the harness the Python peers share.

A peer workload (gcbench.py, cycles.py, ...) is the C workload of the same
name written in plain Python, run under CPython or PyPy: the interpreter's
own memory manager is the collector measured ("cpython-3.11" is refcounting
plus the generational cycle collector over pymalloc; "pypy-7.3" is PyPy's
generational incminimark GC), with allocator "own". Each script ends in
mmbpeer.main(...), which is either

  the runner:  python3 gcbench.py [--interp pypy3] [-o KEY=VALUE]... [-r N]
                   [--warmup N] [--seed N] [--format text|json|csv]
                   [--out FILE]... [--mmu-curve FILE] [--pause-log FILE]
               spawns one fresh interpreter per repetition (and warm-up),
               and writes the same mmbench/1 documents as bench/report.c
               (runs, then a summary with the median and a 95% percentile
               bootstrap interval per metric, computed exactly as
               bench/summary.c does, with the same generator), so plots,
               reports and `mmbench compare` take them as any other run;
  a child:     <interp> gcbench.py --child REP --seed N --values JSON [--trace]
               runs the workload once and prints one JSON line of raw figures.

What is measured, and how (the C figures' meanings, DESIGN.md section 5):
  wall_ms, cpu_ms   perf_counter_ns / process_time_ns over the timed region;
  pauses            CPython: gc.callbacks, "start" .. "stop" of each cycle
                    collection (generation 2 is major, 0 and 1 minor); the
                    freeing done by refcounting is not observable and is not
                    a pause here. PyPy: gc.hooks, which report a duration
                    after the fact: each minor collection (minor) and each
                    step of the incremental major collection (increment) is
                    placed to end when its hook runs; a hook that reports
                    several events at once gives them back to back, with the
                    reported minimum and maximum kept exact;
  gc.*              per generation: CPython's three (collections, collected,
                    uncollectable from the callbacks); PyPy's two (minor and
                    major collections; collected counts are not reported: 0);
  peak_live_bytes   CPython: tracemalloc's peak over the whole run. Tracing
                    slows CPython down, so it runs in one extra untimed
                    child (the first warm-up) and its peak is the figure of
                    every repetition (the work is the same, seeded). PyPy:
                    null (not observable);
  peak_heap_bytes   PyPy: the GC's peak_allocated_memory (gc.get_stats());
                    CPython: null (pymalloc does not say);
  peak_rss_bytes    resource.getrusage ru_maxrss of the child;
  alloc_bytes       null (not observable); allocs counts the objects the
                    workload creates, as the C workload's object model does.
"""
import argparse
import gc
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time

SCHEMA = "mmbench/1"
BOOT_RESAMPLES = 2000          # as bench/summary.c
MMU_WINDOWS_MS = (1, 10, 100)  # the summary's three windows
MMU_MIN_WINDOW_MS = 0.01       # the exported curve starts here (bench/series.c)
MMU_GRID_STEP = 10 ** 0.1      # ten windows per decade
MMU_MAX_POINTS = 200
HIST_SUB_BITS = 5              # mmb/histogram.h: about 3% resolution
HIST_SUB = 1 << HIST_SUB_BITS
KINDS = ("minor", "major", "increment", "cascade")
MINOR, MAJOR, INCREMENT = 0, 1, 2
U64 = (1 << 64) - 1
MAX_OUT = 4

# The scalar figures, in bench/driver.h's MMB_RESULT_SCALARS order.
SCALARS = ("wall_ms", "cpu_ms", "gc_ms", "ops", "ops_per_s", "allocs", "alloc_bytes",
           "pauses.count", "pauses.total_ms", "pauses.p50_ms", "pauses.p90_ms",
           "pauses.p99_ms", "pauses.p999_ms", "pauses.max_ms", "mmu.1ms", "mmu.10ms",
           "mmu.100ms", "peak_live_bytes", "peak_heap_bytes", "peak_rss_bytes",
           "worst_op_ms", "survival_rate", "promotion_rate")


class UsageError(Exception):
    """A bad command line: one line on stderr, exit status 2."""


# ---- options: the C workloads' tables, parsed the same way ---------------

class Opt(object):
    """One option: name, kind ("int", "size", "enum"), default, range, help.
    An enum's default is the index of its default choice, as in C."""

    def __init__(self, name, kind, default, lo, hi, help_text, choices=None):
        self.name, self.kind, self.default = name, kind, default
        self.lo, self.hi, self.help, self.choices = lo, hi, help_text, choices


SIZE_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_value(opt, text):
    """A value for opt from the text of -o, or UsageError (as options.c)."""
    if not text:
        raise UsageError("option %s: missing value" % opt.name)
    if opt.kind == "enum":
        words = opt.choices.split("|")
        if text not in words:
            raise UsageError("option %s: '%s' is not one of %s" % (opt.name, text, opt.choices))
        return words.index(text)
    num, mult = text, 1
    if opt.kind == "size":
        for suffix in ("iB", "B"):
            if num.endswith(suffix) and len(num) > len(suffix):
                num = num[:-len(suffix)]
                break
        if num[-1:].upper() in SIZE_UNITS:
            num, mult = num[:-1], SIZE_UNITS[num[-1:].upper()]
    try:
        v = int(num) * mult
    except ValueError:
        raise UsageError("option %s: '%s' is not a valid %s" % (opt.name, text, opt.kind))
    if not opt.lo <= v <= opt.hi:
        raise UsageError("option %s: %s is out of range [%g, %g]" % (opt.name, text, opt.lo, opt.hi))
    return v


def format_value(opt, v):
    """As mmb_opt_format: sizes with a suffix when exact, enums by word."""
    if opt.kind == "enum":
        return opt.choices.split("|")[int(v)]
    if opt.kind == "size":
        for unit, m in (("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
            if v and v % m == 0:
                return "%d%s" % (v // m, unit)
    return "%d" % v


def apply_options(table, given, defaults):
    """Effective values: the table's defaults, then the interpreter's own
    defaults (`defaults`), then every -o. Returns (values, explicit names)."""
    by_name = dict((o.name, o) for o in table)
    values = dict((o.name, o.default) for o in table)
    explicit = []
    for name, v in defaults.items():
        values[name] = v
        explicit.append(name)
    seen = set()
    for kv in given:
        name, eq, text = kv.partition("=")
        if not eq or not name:
            raise UsageError("option '%s' is not of the form key=value" % kv)
        if name not in by_name:
            raise UsageError("unknown option '%s' for this workload" % name)
        if name in seen:
            raise UsageError("option %s given twice" % name)
        seen.add(name)
        values[name] = parse_value(by_name[name], text)
        if name not in explicit:
            explicit.append(name)
    return values, explicit


# ---- the child: one run, measured ----------------------------------------

def interpreter_id():
    """("cpython" or "pypy", "3.11" or "7.3"): the collector's name parts."""
    if sys.implementation.name == "pypy":
        v = sys.pypy_version_info
        return "pypy", "%d.%d" % (v[0], v[1])
    return sys.implementation.name, "%d.%d" % sys.version_info[:2]


class Meter(object):
    """The measurement state of one child: the timed region, the pause log
    (only pauses inside the region, as in C), per-generation counts. The
    workload calls begin() and end() and sets ops, allocs, worst_op_ms."""

    def __init__(self):
        self.pypy = sys.implementation.name == "pypy"
        self.ngens = 2 if self.pypy else 3
        self.collections = [0] * self.ngens
        self.collected = [0] * self.ngens
        self.uncollectable = [0] * self.ngens
        self.pauses = []
        self.timing = False
        self.opened = 0
        self.t0 = self.t1 = self.cpu0 = self.cpu1 = 0
        self.ops = self.allocs = 0
        self.worst_op_ms = 0.0

    def begin(self):
        self.pauses = []
        self.timing = True
        self.cpu0 = time.process_time_ns()
        self.t0 = time.perf_counter_ns()

    def end(self):
        self.t1 = time.perf_counter_ns()
        self.cpu1 = time.process_time_ns()
        self.timing = False

    def install(self):
        if self.pypy:
            gc.hooks.set(self)
        else:
            gc.callbacks.append(self.on_cpython_gc)

    def uninstall(self):
        if self.pypy:
            gc.hooks.reset()
        else:
            gc.callbacks.remove(self.on_cpython_gc)

    # CPython: called at the start and the end of every cycle collection.
    def on_cpython_gc(self, phase, info):
        now = time.perf_counter_ns()
        if phase == "start":
            self.opened = now
            return
        g = info["generation"]
        self.collections[g] += 1
        self.collected[g] += info["collected"]
        self.uncollectable[g] += info["uncollectable"]
        if self.timing:
            self.pauses.append((self.opened, now, MAJOR if g == 2 else MINOR))

    # PyPy: called soon after the events, with their count and durations (s).
    def on_gc_minor(self, stats):
        self.collections[0] += stats.count
        self.push_batch(stats, MINOR)

    def on_gc_collect_step(self, stats):
        self.push_batch(stats, INCREMENT)

    def on_gc_collect(self, stats):
        self.collections[1] += stats.count

    def push_batch(self, stats, kind):
        """count events ending now: the longest, the shortest, and the rest
        sharing what is left of the total, back to back."""
        if not self.timing:
            return
        end = time.perf_counter_ns()
        n, total = stats.count, stats.duration
        if n == 1:
            durs = [total]
        else:
            rest = max(0.0, total - stats.duration_max - stats.duration_min) / max(1, n - 2)
            durs = [stats.duration_max, stats.duration_min] + [rest] * (n - 2)
        for d in durs:
            start = end - int(d * 1e9)
            self.pauses.append((start, end, kind))
            end = start


def pypy_peak_heap():
    """PyPy's GC peak of memory allocated from the OS, or None."""
    try:
        return int(gc.get_stats()._s.peak_allocated_memory)
    except (AttributeError, TypeError):
        return None


def child_main(workload, run_fn, args):
    """Run the workload once and print its raw figures as one JSON line."""
    values = json.loads(args.values)
    meter = Meter()
    meter.install()
    tracing = args.trace and not meter.pypy
    if tracing:
        import tracemalloc
        tracemalloc.start()
    verified = bool(run_fn(values, args.seed, meter))
    peak_live = tracemalloc.get_traced_memory()[1] if tracing else None
    meter.uninstall()
    impl, version = interpreter_id()
    out = {
        "rep": args.child, "impl": impl, "version": version, "verified": verified,
        "wall_ns": meter.t1 - meter.t0, "cpu_ns": meter.cpu1 - meter.cpu0,
        "pauses": [[s - meter.t0, e - meter.t0, k] for s, e, k in sorted(meter.pauses)],
        "ops": meter.ops, "allocs": meter.allocs, "worst_op_ms": meter.worst_op_ms,
        "peak_live_bytes": peak_live, "peak_heap_bytes": pypy_peak_heap() if meter.pypy else None,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "ngens": meter.ngens, "collections": meter.collections,
        "collected": meter.collected, "uncollectable": meter.uncollectable,
    }
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0 if verified else 1


# ---- figures from a child's pause log (lib/support/histogram.c, mmu.c) ---

def hist_index(v):
    if v < HIST_SUB:
        return v
    hi = v.bit_length() - 1
    shift = hi - HIST_SUB_BITS
    return (shift + 1) * HIST_SUB + ((v >> shift) & (HIST_SUB - 1))


def hist_lower(index):
    if index < HIST_SUB:
        return index
    shift = index // HIST_SUB - 1
    return (HIST_SUB + index % HIST_SUB) << shift


def hist_quantile(durs_sorted, q):
    """The log-linear histogram's answer: the midpoint of the bucket that
    holds the rank, never above the maximum (as mmb_hist_quantile)."""
    n = len(durs_sorted)
    if not n:
        return 0
    rank = max(1, int(q * n + 0.999999))
    i = hist_index(durs_sorted[rank - 1])
    lo, hi = hist_lower(i), hist_lower(i + 1)
    return min(lo + (hi - lo) // 2, durs_sorted[-1])


def pause_summary(pauses):
    durs = sorted(int(e - s) for s, e, _ in pauses)
    ms = lambda ns: ns / 1e6
    return {"count": len(durs), "total_ms": ms(sum(durs)),
            "p50_ms": ms(hist_quantile(durs, 0.50)), "p90_ms": ms(hist_quantile(durs, 0.90)),
            "p99_ms": ms(hist_quantile(durs, 0.99)), "p999_ms": ms(hist_quantile(durs, 0.999)),
            "max_ms": ms(durs[-1] if durs else 0)}


class Cursor(object):
    """Pause time in [0, x] for increasing x, moving forward only (mmu.c)."""

    def __init__(self, pauses):
        self.p, self.i, self.done = pauses, 0, 0.0

    def upto(self, x):
        p = self.p
        while self.i < len(p) and p[self.i][0] <= x:
            if self.i > 0:
                self.done += p[self.i - 1][1] - p[self.i - 1][0]
            self.i += 1
        if self.i == 0:
            return 0.0
        s, e = p[self.i - 1][0], p[self.i - 1][1]
        return self.done + min(x, e) - s


def worst_busy(pauses, span, w, ends):
    lo, hi, worst = Cursor(pauses), Cursor(pauses), 0.0
    for s, e, _ in pauses:
        t = e - w if ends else s
        t = max(0.0, min(t, span - w))
        worst = max(worst, hi.upto(t + w) - lo.upto(t))
    return worst


def raw_mmu(pauses, span, w):
    w = min(w, span)
    if w <= 0:
        return 1.0
    busy = max(worst_busy(pauses, span, w, False), worst_busy(pauses, span, w, True))
    return min(1.0, max(0.0, 1.0 - busy / w))


def mmu_curve(pauses, span_ns, min_ms):
    """Bounded MMU on the log grid from min_ms to the whole region."""
    span_ms, w, pts = span_ns / 1e6, min_ms, []
    while len(pts) < MMU_MAX_POINTS:
        wm = min(w, span_ms)
        pts.append([wm, raw_mmu(pauses, span_ns, wm * 1e6)])
        if w >= span_ms:
            break
        w *= MMU_GRID_STEP
    for i in range(len(pts) - 2, -1, -1):
        pts[i][1] = min(pts[i][1], pts[i + 1][1])
    return pts


def mmu_at(pauses, span_ns, w_ms):
    pts = mmu_curve(pauses, span_ns, w_ms)
    return pts[0][1] if pts else 1.0


def run_record(raw, seed, peak_live):
    """A child's raw figures as a run entry of the document (less identity)."""
    wall_ms = raw["wall_ns"] / 1e6
    ps = pause_summary(raw["pauses"])
    mmu = dict(("%dms" % w, mmu_at(raw["pauses"], raw["wall_ns"], w)) for w in MMU_WINDOWS_MS)
    return {"seed": seed, "rep": raw["rep"], "wall_ms": wall_ms, "cpu_ms": raw["cpu_ns"] / 1e6,
            "gc_ms": ps["total_ms"], "ops": raw["ops"],
            "ops_per_s": raw["ops"] / (wall_ms / 1e3) if wall_ms > 0 else 0,
            "allocs": raw["allocs"], "alloc_bytes": None, "pauses": ps, "mmu": mmu,
            "peak_live_bytes": peak_live, "peak_heap_bytes": raw["peak_heap_bytes"],
            "peak_rss_bytes": raw["peak_rss_bytes"], "worst_op_ms": raw["worst_op_ms"],
            "survival_rate": None, "promotion_rate": None,
            "gc": {"collections": raw["collections"], "collected": raw["collected"],
                   "uncollectable": raw["uncollectable"]},
            "verified": raw["verified"]}


def scalar(run, name):
    """A scalar figure of a run entry by its dotted column name; NaN if null."""
    v = run
    for part in name.split("."):
        v = v[part]
    return float("nan") if v is None else float(v)


# ---- the summary: bench/summary.c's bootstrap, same generator -------------

def splitmix64(state):
    state = (state + 0x9e3779b97f4a7c15) & U64
    z = state
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & U64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & U64
    return state, z ^ (z >> 31)


class Rng(object):
    """xoshiro256** seeded through splitmix64, as bench/rng.h."""

    def __init__(self, seed):
        self.s, x = [], seed & U64
        for _ in range(4):
            x, v = splitmix64(x)
            self.s.append(v)

    def next(self):
        s = self.s
        x = (s[1] * 5) & U64
        result = ((((x << 7) | (x >> 57)) & U64) * 9) & U64
        t = (s[1] << 17) & U64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & U64
        return result

    def below(self, n):
        return (self.next() * n) >> 64


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def summary_ci(xs, seed):
    """(median, lo, hi): the percentile bootstrap of the median, 2000
    resamples, NaN if any value is (the metric is not measured)."""
    if not xs:
        return 0.0, 0.0, 0.0
    if any(math.isnan(x) for x in xs):
        return (float("nan"),) * 3
    rng, n = Rng(seed), len(xs)
    meds = sorted(median([xs[rng.below(n)] for _ in range(n)]) for _ in range(BOOT_RESAMPLES))
    return median(xs), meds[int(0.025 * BOOT_RESAMPLES)], meds[int(0.975 * BOOT_RESAMPLES) - 1]


# ---- the documents --------------------------------------------------------

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and ":" in line:
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def env_object(interp_desc):
    here = os.path.dirname(os.path.abspath(__file__))
    srcdir = os.path.dirname(os.path.dirname(here))
    version, git = "unknown", "unknown"
    try:
        with open(os.path.join(srcdir, "configure.ac")) as f:
            for line in f:
                if line.startswith("AC_INIT("):
                    version = line.split("[")[2].split("]")[0]
        git = subprocess.run(["git", "-C", srcdir, "describe", "--always", "--dirty"],
                             capture_output=True, text=True).stdout.strip() or "unknown"
    except (OSError, IndexError):
        pass
    u = os.uname()
    return {"version": version, "git": git, "cc": interp_desc["cc"], "cflags": interp_desc["cflags"],
            "cpu": cpu_model(), "cores": os.sysconf("SC_NPROCESSORS_ONLN"),
            "kernel": "%s %s %s" % (u.sysname, u.release, u.machine),
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def json_number(v):
    """As mmb_json_double: non-finite is null; integers stay integers."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if isinstance(v, float):
        return float("%.9g" % v)
    return v


def clean(obj):
    if isinstance(obj, dict):
        return dict((k, clean(v)) for k, v in obj.items())
    if isinstance(obj, list):
        return [clean(v) for v in obj]
    if isinstance(obj, bool) or isinstance(obj, str):
        return obj
    return json_number(obj)


def document(ident, runs, seed, env):
    summary = dict(ident)
    summary["repeats"] = len(runs)
    for i, name in enumerate(SCALARS):
        med, lo, hi = summary_ci([scalar(r, name) for r in runs], seed + i)
        summary[name] = {"median": med, "ci95_lo": lo, "ci95_hi": hi}
    full_runs = []
    for r in runs:
        entry = dict(ident)
        entry.update(r)
        full_runs.append(entry)
    return clean({"schema": SCHEMA, "env": env, "runs": full_runs, "summary": [summary]})


def csv_text(ident, runs, explicit_text):
    head = "workload,collector,allocator,options,seed,rep," + ",".join(SCALARS)
    lines = [head + ",gc.collections,verified"]
    for r in runs:
        cells = [ident["workload"], ident["collector"], ident["allocator"], explicit_text,
                 str(r["seed"]), str(r["rep"])]
        cells += ["%.9g" % scalar(r, name) for name in SCALARS]
        cells += [str(sum(r["gc"]["collections"])), "true" if r["verified"] else "false"]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def text_report(ident, runs, seed, explicit_text):
    out = ["%s under %s (allocator %s)%s, %d repetition%s, seed %d" % (
        ident["workload"], ident["collector"], ident["allocator"],
        "" if explicit_text == "-" else ", " + explicit_text, len(runs),
        "" if len(runs) == 1 else "s", seed)]
    for i, name in enumerate(SCALARS):
        med, lo, hi = summary_ci([scalar(r, name) for r in runs], seed + i)
        out.append("  %-18s %14.6g  [%.6g, %.6g]" % (name, med, lo, hi))
    return "\n".join(out) + "\n"


def write_atomically(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def series_texts(raw):
    """Repetition 0's MMU curve and pause log, as bench/series.c writes them."""
    mmu = ["# window_ms mmu (bounded minimum mutator utilisation)"]
    mmu += ["%.6g %.6f" % (w, u) for w, u in mmu_curve(raw["pauses"], raw["wall_ns"], MMU_MIN_WINDOW_MS)]
    log = ["# start_ms duration_ms kind"]
    log += ["%.6f %.6f %s" % (s / 1e6, (e - s) / 1e6, KINDS[k]) for s, e, k in raw["pauses"]]
    return "\n".join(mmu) + "\n", "\n".join(log) + "\n"


# ---- the runner -----------------------------------------------------------

class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse_args(workload, argv):
    p = Parser(prog=workload + ".py", add_help=True)
    p.add_argument("--interp", default=sys.executable)
    p.add_argument("-o", "--option", action="append", default=[])
    p.add_argument("-r", "--repeats", type=int, default=1)
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("--out", action="append", default=[])
    p.add_argument("--mmu-curve")
    p.add_argument("--pause-log")
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    p.add_argument("--values", help=argparse.SUPPRESS)
    p.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if not 1 <= a.repeats <= 1000 or not 0 <= a.warmup <= 100 or a.seed < 0:
        raise UsageError("-r must be in [1, 1000], --warmup in [0, 100], --seed >= 0")
    if len(a.out) > MAX_OUT:
        raise UsageError("too many --out files (at most %d)" % MAX_OUT)
    return a


def describe_interp(interp):
    """Name, version and build of the interpreter that runs the children."""
    code = ("import sys, platform, sysconfig, json\n"
            "impl = sys.implementation.name\n"
            "v = sys.pypy_version_info if impl == 'pypy' else sys.version_info\n"
            "print(json.dumps({'impl': impl, 'version': '%d.%d' % (v[0], v[1]),\n"
            " 'cc': '%s %s (%s)' % (platform.python_implementation(), platform.python_version(),\n"
            "  platform.python_compiler()), 'cflags': sysconfig.get_config_var('CFLAGS') or ''}))\n")
    try:
        res = subprocess.run([interp, "-c", code], capture_output=True, text=True)
    except OSError as e:
        raise UsageError("cannot run interpreter %s: %s" % (interp, e.strerror))
    if res.returncode != 0:
        raise UsageError("interpreter %s does not start" % interp)
    return json.loads(res.stdout)


def spawn(script, interp, rep, seed, values, trace):
    """One child; its raw figures, or an exit status if it failed."""
    cmd = [interp, script, "--child", str(rep), "--seed", str(seed), "--values", json.dumps(values)]
    if trace:
        cmd.append("--trace")
    res = subprocess.run(cmd, stdout=subprocess.PIPE)
    lines = res.stdout.decode(errors="replace").strip().splitlines()
    raw = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    if res.returncode != 0 or raw is None:
        sys.stderr.write("mmbpeer: %s under %s: %s\n" % (
            os.path.basename(script), interp,
            "verification failed" if raw is not None else "child failed (exit %d)" % res.returncode))
        return 1 if res.returncode <= 0 else res.returncode
    return raw


def run_children(script, a, desc, values):
    """Warm-ups (the first under tracemalloc on CPython, for peak_live_bytes;
    one is added if none was asked for), then the repetitions."""
    cpython = desc["impl"] == "cpython"
    peak_live = None
    warmups = max(a.warmup, 1 if cpython else 0)
    for i in range(warmups):
        raw = spawn(script, a.interp, -1, a.seed, values, cpython and i == 0)
        if not isinstance(raw, dict):
            return raw, None
        if cpython and i == 0:
            peak_live = raw["peak_live_bytes"]
    raws = []
    for rep in range(a.repeats):
        raw = spawn(script, a.interp, rep, a.seed, values, False)
        if not isinstance(raw, dict):
            return raw, None
        raws.append(raw)
    return raws, peak_live


def format_of(path, default):
    for ext, fmt in ((".json", "json"), (".csv", "csv"), (".txt", "text")):
        if path.endswith(ext):
            return fmt
    return default


def write_outputs(a, ident, runs, raws, explicit_text, env):
    texts = {"json": lambda: json.dumps(document(ident, runs, a.seed, env), indent=2) + "\n",
             "csv": lambda: csv_text(ident, runs, explicit_text),
             "text": lambda: text_report(ident, runs, a.seed, explicit_text)}
    for path in a.out:
        write_atomically(path, texts[format_of(path, a.format)]())
    if not a.out:
        sys.stdout.write(texts[a.format]())
    mmu, log = series_texts(raws[0])
    if a.mmu_curve:
        write_atomically(a.mmu_curve, mmu)
    if a.pause_log:
        write_atomically(a.pause_log, log)


def runner_main(workload, table, script, a, interp_defaults):
    desc = describe_interp(a.interp)
    values, explicit = apply_options(table, a.option, interp_defaults.get(desc["impl"], {}))
    by_name = dict((o.name, o) for o in table)
    explicit_text = ";".join("%s=%s" % (n, format_value(by_name[n], values[n]))
                             for n in [o.name for o in table] if n in explicit) or "-"
    raws, peak_live = run_children(script, a, desc, values)
    if not isinstance(raws, list):
        return raws
    json_values = dict((o.name, format_value(o, values[o.name]) if o.kind == "enum" else values[o.name])
                       for o in table)
    ident = {"workload": workload, "collector": "%s-%s" % (desc["impl"], desc["version"]),
             "allocator": "own", "options": json_values}
    runs = [run_record(r, a.seed, peak_live) for r in raws]
    write_outputs(a, ident, runs, raws, explicit_text, env_object(desc))
    return 0


def main(workload, table, run_fn, interp_defaults=None):
    """A peer script's entry point: the runner, or a child (--child)."""
    script = os.path.abspath(sys.argv[0])
    try:
        a = parse_args(workload, sys.argv[1:])
        if a.child is not None:
            sys.exit(child_main(workload, run_fn, a))
        sys.exit(runner_main(workload, table, script, a, interp_defaults or {}))
    except UsageError as e:
        sys.stderr.write("mmbpeer: %s\n" % e)
        sys.exit(2)
