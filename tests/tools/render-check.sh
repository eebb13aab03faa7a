#!/bin/sh
# render-check.sh - renders an HTML file in headless Chromium, as a reader
# would open it, and checks what a reader would see: a screenshot that is
# not blank (by its pixels, tests/tools/png-ink.c), and not one network
# request (Chromium's net log, read by netlog-check.py).  Runs offline.
# Leaves PREFIX.png (the screenshot), PREFIX.ink (its pixel counts), PREFIX.dom (the
# DOM after parsing, for the caller to look for text in) and
# PREFIX.netlog.json.
# Usage: sh render-check.sh FILE.html PREFIX [WIDTHxHEIGHT]
html=${1:?usage: render-check.sh FILE.html PREFIX [WxH]}
prefix=${2:?}
size=${3:-1200x2000}
here=$(cd "$(dirname "$0")" && pwd)
case $html in /*) ;; *) html=$PWD/$html ;; esac

# each run its own profile and HOME (dconf and crash dirs): tests run
# Chromium concurrently (make check JOBS=N)
chrome() {
	profile=$(mktemp -d)
	HOME=$profile XDG_CONFIG_HOME=$profile/.config \
	XDG_CACHE_HOME=$profile/.cache timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$profile" "$@"
	rc=$?
	rm -rf "$profile"
	return $rc
}

chrome --log-net-log="$prefix.netlog.json" --dump-dom "file://$html" \
	>"$prefix.dom" 2>"$prefix.chromium.log" || {
	echo "render-check: chromium failed to load $html" >&2
	exit 1
}
grep -q "</html>" "$prefix.dom" || {
	echo "render-check: no DOM from $html" >&2
	exit 1
}
python3 "$here/netlog-check.py" "$prefix.netlog.json" || {
	echo "render-check: $html made network requests" >&2
	exit 1
}
chrome --screenshot="$prefix.png" --window-size="${size%x*},${size#*x}" \
	"file://$html" >>"$prefix.chromium.log" 2>&1
test -s "$prefix.png" || {
	echo "render-check: no screenshot of $html" >&2
	exit 1
}
# not blank, by its pixels (tests/tools/png-ink.c decodes it with cairo):
# at least 2% of them not white, in at least 8 distinct colours
ink=${GS_BUILD:-$here/../../build}/tests/png-ink
"$ink" "$prefix.png" 2 8 >"$prefix.ink" 2>&1 || {
	echo "render-check: the screenshot $prefix.png looks blank: $(cat "$prefix.ink")" >&2
	exit 1
}
