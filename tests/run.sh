#!/bin/sh
# Runs the unit test binaries and the end-to-end scripts, all of which speak
# TAP ("ok N - ...", "not ok N - ..."), and ends with one summary line
# "N passed, N failed".  Usage: tests/run.sh BUILD_DIR [unit|e2e|all] [PATTERNS]
# (PATTERNS: words, a test runs when its name contains one of them)
build=${1:?usage: tests/run.sh BUILD_DIR [unit|e2e|all] [PATTERN]}
which=${2:-all}
pattern=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
# fontconfig's process-lifetime caches are not leaks (SAN=1 builds)
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# VALGRIND=1: unit tests under valgrind, and VG for lib.sh, which runs
# greenslot under it
VG=
[ "${VALGRIND:-0}" = 1 ] && VG="valgrind -q --error-exitcode=99 \
--leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
--suppressions=$top/tests/valgrind.supp"
export VG
# selected NAME: no patterns, or NAME contains one of them
selected() {
	[ -z "$pattern" ] && return 0
	for p in $pattern; do
		case $1 in *$p*) return 0 ;; esac
	done
	return 1
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() { # name, command...
	name=$1; shift
	printf '# %s\n' "$name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log"; then
		# a crash or a harness failure counts even without TAP output
		echo "not ok - $name exited with status $rc"
	fi
}

{
if [ "$which" != e2e ]; then
	for t in "$build"/tests/test-*; do
		[ -x "$t" ] || continue
		case $t in *.d|*.o) continue ;; esac
		selected "$(basename "$t")" || continue
		CMOCKA_MESSAGE_OUTPUT=TAP run_one "$(basename "$t")" $VG "$t"
	done
fi
if [ "$which" != unit ]; then
	for t in "$top"/tests/e2e/t[0-9]*.sh; do
		[ -f "$t" ] || continue
		selected "$(basename "$t")" || continue
		GS_BUILD=$build run_one "$(basename "$t")" sh "$t"
	done
fi
} | tee "$log.all"
pass=$(grep -c '^ok' "$log.all")
fail=$(grep -c '^not ok' "$log.all")
if [ "$fail" -ne 0 ]; then
	echo "failed:"
	grep '^not ok' "$log.all" | sed 's/^/  /'
fi
rm -f "$log.all"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
