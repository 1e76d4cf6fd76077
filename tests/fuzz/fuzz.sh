#!/bin/sh
# tests/fuzz/fuzz.sh: build the libFuzzer harnesses with clang and run each
# for a bounded time. Called by `make fuzz` (tests/fuzz/local.am) as
#   fuzz.sh SRCDIR OUTDIR LIB_SOURCES...
# from the configured build directory (its config.h is used), with the
# library's sources relative to SRCDIR. Environment:
#   FUZZ_SECONDS  seconds per harness (default 60); 0 builds only
#   FUZZ_TOTAL    seconds for all the harnesses together, shared equally
#                 (overrides FUZZ_SECONDS; scripts/fuzz-smoke.sh sets it)
#   FUZZ_CC       the compiler (default clang; it needs libFuzzer)
#   FUZZ_ONLY     run only the harnesses whose names contain this word
#   FUZZ_JOBS     parallel compilations (default 2)
#   FUZZ_CPPFLAGS, FUZZ_LIBS  what configure found for the library (make
#                 passes BDWGC_CFLAGS, BDWGC_LIBS and LIBS)
# Harnesses: fuzz_gc_<gcid> for every collector in tests/oracle.h's
# MMB_ORACLE_LIST, fuzz_options, fuzz_json. Seeds: SRCDIR/tests/fuzz/corpus/
# <harness> (fuzz_gc for every collector), never written to; what a run adds
# goes to OUTDIR/work/<harness>, crashes to OUTDIR/crashes/. Exits 1 if any harness
# found something; 0 with a message if clang or libFuzzer is missing.
set -eu

srcdir=$1 out=$2
shift 2
cc=${FUZZ_CC:-clang}
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="${FUZZ_CPPFLAGS:-} -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -g -O1 -fno-omit-frame-pointer $san -DMMB_DEBUG=1 -DHAVE_CONFIG_H -I$(pwd) -I$srcdir/lib/include -I$srcdir/lib -I$srcdir/bench -I$srcdir/tests"

skip() {
    echo "fuzz: skipped: $1 (apt-get install clang libclang-rt-dev)"
    exit 0
}

# libFuzzer ships with clang's runtime; probe it with a one-line target.
probe() {
    command -v "$cc" >/dev/null 2>&1 || skip "$cc not found"
    mkdir -p "$out/obj"
    printf '%s\n' '#include <stdint.h>' '#include <stddef.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
        >"$out/obj/probe.c"
    "$cc" -fsanitize=fuzzer,address "$out/obj/probe.c" -o "$out/obj/probe" >/dev/null 2>&1 ||
        skip "$cc cannot build with -fsanitize=fuzzer (libFuzzer missing)"
}

# The collectors with an oracle registration: X(gcid, ...) lines.
collectors() {
    sed -n 's/^[[:space:]]*X(\([a-z0-9]*\),.*/\1/p' "$srcdir/tests/oracle.h" | sort -u
}

# obj(SRC EXTRA): the object for SRC compiled with EXTRA flags, rebuilt when
# the source or any header is newer. Prints the command for xargs.
compile_cmd() {
    o=$out/obj/$(echo "$1$2" | tr '/ =' '___').o
    if [ ! -f "$o" ] || [ -n "$(find "$srcdir/$1" "$srcdir/lib" "$srcdir/bench" "$srcdir/tests" \
            -name '*.[ch]' -newer "$o" 2>/dev/null | head -n 1)" ]; then
        echo "$cc $cflags -fsanitize=fuzzer-no-link $2 -c $srcdir/$1 -o $o"
    fi
}

objname() {
    echo "$out/obj/$(echo "$1$2" | tr '/ =' '___').o"
}

build() {
    libobjs="" cmds=""
    for s in "$@"; do
        libobjs="$libobjs $(objname "$s" "")"
        cmds="$cmds$(compile_cmd "$s" "")
"
    done
    for g in $(collectors); do
        d="-DMMB_GC_$(echo "$g" | tr a-z A-Z)"
        cmds="$cmds$(compile_cmd tests/oracle.c "$d")
$(compile_cmd tests/fuzz/fuzz_gc.c "$d")
"
    done
    for h in fuzz_options fuzz_json; do
        cmds="$cmds$(compile_cmd "tests/fuzz/$h.c" "")
"
    done
    printf '%s' "$cmds" | grep . | xargs -P "$jobs" -I{} sh -c '{}' || return 1
    # an archive, so that only the members a harness needs are linked
    rm -f "$out/obj/libmmb.a"
    # shellcheck disable=SC2086
    ar rcs "$out/obj/libmmb.a" $libobjs
    libs="$out/obj/libmmb.a ${FUZZ_LIBS:-} -lm -ldl"
    for g in $(collectors); do
        d="-DMMB_GC_$(echo "$g" | tr a-z A-Z)"
        # shellcheck disable=SC2086
        $cc $san -fsanitize=fuzzer -o "$out/fuzz_gc_$g" "$(objname tests/oracle.c "$d")" \
            "$(objname tests/fuzz/fuzz_gc.c "$d")" $libs
    done
    for h in fuzz_options fuzz_json; do
        # shellcheck disable=SC2086
        $cc $san -fsanitize=fuzzer -o "$out/$h" "$(objname "tests/fuzz/$h.c" "")" $libs
    done
}

# run HARNESS SEEDS: fuzz for $seconds; one summary line; 1 if it found something.
run() {
    h=$1 seeds=$srcdir/tests/fuzz/corpus/$2
    mkdir -p "$out/work/$h" "$out/crashes"
    # rc's by-design cycle leaks are suppressed, as in make check
    if LSAN_OPTIONS="suppressions=$srcdir/tests/lsan.supp:print_suppressions=0" \
            "$out/$h" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=4096 \
            -print_final_stats=1 -artifact_prefix="$out/crashes/$h-" \
            "$out/work/$h" "$seeds" >"$out/$h.log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log")
        cov=$(grep -o 'cov: [0-9]*' "$out/$h.log" | tail -n 1)
        echo "fuzz: $h: ok, ${execs:-?} inputs in ${seconds}s, $cov"
        return 0
    fi
    echo "fuzz: $h: FAILED, see $out/$h.log and $out/crashes/$h-*:"
    grep -E '^(fuzz_|==[0-9]+==ERROR|SUMMARY)|runtime error' "$out/$h.log" | head -n 5
    return 1
}

probe
build "$@"
if [ -n "${FUZZ_TOTAL:-}" ]; then
    n=$(($(collectors | wc -l) + 2))
    seconds=$((FUZZ_TOTAL / n))
    [ "$seconds" -ge 1 ] || seconds=1
fi
[ "$seconds" = 0 ] && exit 0
status=0
for g in $(collectors); do
    case "fuzz_gc_$g" in *"${FUZZ_ONLY:-}"*) run "fuzz_gc_$g" fuzz_gc || status=1 ;; esac
done
for h in fuzz_options fuzz_json; do
    case "$h" in *"${FUZZ_ONLY:-}"*) run "$h" "$h" || status=1 ;; esac
done
exit $status
