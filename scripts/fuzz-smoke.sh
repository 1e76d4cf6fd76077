#!/bin/sh
# scripts/fuzz-smoke.sh [BUILDDIR]: every libFuzzer harness (tests/fuzz/),
# sharing FUZZ_TOTAL seconds of fuzzing (default 110, so that with start-up
# the whole run stays within 2 minutes after the build), for CI. BUILDDIR is
# a configured build directory (default: the current one). Skips with a
# message when clang or libFuzzer is missing; exits 1 if a harness failed.
set -eu
builddir=${1:-.}
exec make -C "$builddir" --no-print-directory fuzz FUZZ_TOTAL="${FUZZ_TOTAL:-110}"
