#!/bin/sh
# scripts/screenshot.sh REPORT.html [OUT.png]: render a report with headless
# Chromium (`make screenshot` does results/latest/report.html) and check the
# picture is not blank: more than MIN_COLOURS distinct colours when
# ImageMagick's identify is there, otherwise a PNG clearly larger than the
# render of an empty page of the same size (a blank PNG compresses to almost
# nothing). Exit 0 good, 1 blank or failed, 77 no browser (the automake
# convention for "skipped").
#
# Chromium: installed with `apt-get install -y chromium` when missing and we
# are root; it runs with no network, no sync and a throw-away profile.
set -eu
MIN_COLOURS=32      # an empty page has 1; text alone a few dozen; plots far more
MIN_SIZE_RATIO=4    # report PNG bytes against the blank page's
html=${1:?usage: screenshot.sh REPORT.html [OUT.png]}
png=${2:-${html%.html}.png}
[ -f "$html" ] || { echo "screenshot.sh: no such file: $html" >&2; exit 1; }

find_browser() {
    for b in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$b" 2>/dev/null && return 0
    done
    return 1
}
browser=$(find_browser) || {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "screenshot.sh: installing chromium" >&2
        apt-get install -y chromium >/dev/null 2>&1 || :
    fi
    browser=$(find_browser) || { echo "screenshot.sh: no Chromium found; skipped" >&2; exit 77; }
}

# shoot FILE.html OUT.png
shoot() {
    profile=$(mktemp -d)
    abs=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    timeout 180 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" --screenshot="$2" --window-size=1280,4000 \
        "file://$abs" > "$profile.log" 2>&1 || :
    rm -rf "$profile" "$profile.log"
    [ -s "$2" ]
}

rm -f "$png"
shoot "$html" "$png" || { echo "screenshot.sh: Chromium wrote no picture" >&2; exit 1; }
if command -v identify >/dev/null 2>&1 && colours=$(identify -format '%k' "$png" 2>/dev/null); then
    if [ "$colours" -gt $MIN_COLOURS ]; then
        echo "screenshot.sh: $png: $colours distinct colours: not blank"
        exit 0
    fi
    echo "screenshot.sh: $png looks blank ($colours distinct colours)" >&2
    exit 1
fi
blank_dir=$(mktemp -d)
printf '<!DOCTYPE html><html><body></body></html>\n' > "$blank_dir/blank.html"
shoot "$blank_dir/blank.html" "$blank_dir/blank.png" || :
size=$(wc -c < "$png")
blank=$(wc -c < "$blank_dir/blank.png" 2>/dev/null || echo 1000)
rm -rf "$blank_dir"
if [ "$size" -gt $((blank * MIN_SIZE_RATIO)) ]; then
    echo "screenshot.sh: $png: $size bytes against $blank for an empty page: not blank"
    exit 0
fi
echo "screenshot.sh: $png looks blank ($size bytes against $blank for an empty page)" >&2
exit 1
