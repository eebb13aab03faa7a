#!/bin/sh
# Runs the unit test binaries and the end-to-end scripts, all of which speak
# TAP ("ok N - ...", "not ok N - ..."), and ends with one summary line
# "N passed, N failed".  Usage: tests/run.sh BUILD_DIR [unit|e2e|all] [PATTERNS]
# (PATTERNS: words, a test runs when its name contains one of them)
# JOBS=N runs up to N tests at once (default: the CPUs, nproc); each test's
# output goes to its own file and is printed whole, in the usual order, so
# the output reads the same for any N.
build=${1:?usage: tests/run.sh BUILD_DIR [unit|e2e|all] [PATTERN]}
which=${2:-all}
pattern=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
jobs=${JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in ''|*[!0-9]*|0) echo "JOBS must be a number >= 1" >&2; exit 2 ;; esac
# fontconfig's process-lifetime caches are not leaks (SAN=1 builds)
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# VALGRIND=1: unit tests under valgrind, and VG for lib.sh, which runs
# greenslot under it
VG=
[ "${VALGRIND:-0}" = 1 ] && VG="valgrind -q --vgdb=no --error-exitcode=99 \
--leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
--suppressions=$top/tests/valgrind.supp"
export VG
# the seconds each test took last time in this build dir: with JOBS > 1
# the slowest start first (the output order stays the usual one)
times=$build/tests/run-times
# selected NAME: no patterns, or NAME contains one of them
selected() {
	[ -z "$pattern" ] && return 0
	for p in $pattern; do
		case $1 in *$p*) return 0 ;; esac
	done
	return 1
}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# the tests, one line each in the usual order: index kind path
n=0
if [ "$which" != e2e ]; then
	for t in "$build"/tests/test-*; do
		[ -x "$t" ] || continue
		case $t in *.d|*.o) continue ;; esac
		selected "$(basename "$t")" || continue
		n=$((n + 1)); echo "$n unit $t"
	done >"$dir/list"
fi
if [ "$which" != unit ]; then
	for t in "$top"/tests/e2e/t[0-9]*.sh; do
		[ -f "$t" ] || continue
		selected "$(basename "$t")" || continue
		n=$((n + 1)); echo "$n e2e $t"
	done >>"$dir/list"
fi

# the order to start them in: usual, or slowest first by last time's
# seconds (a test not timed yet counts as slow)
if [ "$jobs" -gt 1 ] && [ -s "$times" ]; then
	while read -r i kind t; do
		s=$(awk -v n="$(basename "$t")" '$2 == n { s = $1 }
			END { print s == "" ? 1e9 : s }' "$times")
		echo "$s $i"
	done <"$dir/list" | sort -k1,1gr -k2,2n | cut -d' ' -f2 >"$dir/order"
else
	cut -d' ' -f1 "$dir/list" >"$dir/order"
fi

# run_one INDEX KIND PATH: the test's output to INDEX.out, then its status
# to INDEX.rc (written last: its presence means done) and seconds to
# INDEX.time
run_one() {
	t0=$(date +%s.%N)
	if [ "$2" = unit ]; then
		CMOCKA_MESSAGE_OUTPUT=TAP $VG "$3"
	else
		GS_BUILD=$build sh "$3"
	fi >"$dir/$1.out" 2>&1 </dev/null
	rc=$?
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.1f\n", $2 - $1 }' >"$dir/$1.time"
	echo $rc >"$dir/$1.rc.tmp" && mv "$dir/$1.rc.tmp" "$dir/$1.rc"
}

# print_one INDEX: as it ran sequentially before: "# NAME", its output,
# and a failure line for a crash without TAP output
print_one() {
	name=$(basename "$(sed -n "$1s/^[0-9]* [a-z0-9]* //p" "$dir/list")")
	printf '# %s\n' "$name"
	cat "$dir/$1.out"
	rc=$(cat "$dir/$1.rc")
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$dir/$1.out"; then
		# a crash or a harness failure counts even without TAP output
		echo "not ok - $name exited with status $rc"
	fi
	echo "$(cat "$dir/$1.time") $name" >>"$dir/times"
}

# print_ready: prints the finished tests that are next in the usual order
next=1
print_ready() {
	while [ "$next" -le "$n" ] && [ -e "$dir/$next.rc" ]; do
		print_one "$next"
		next=$((next + 1))
	done
}

{
running=0 started=0
for i in $(cat "$dir/order"); do
	while [ "$running" -ge "$jobs" ]; do
		print_ready
		running=$(sed -n "1,${started}p" "$dir/order" | while read -r j; do
			[ -e "$dir/$j.rc" ] || echo; done | wc -l)
		[ "$running" -ge "$jobs" ] && sleep 0.1
	done
	line=$(sed -n "${i}p" "$dir/list")
	run_one $line &
	started=$((started + 1))
	running=$((running + 1))
done
while [ "$next" -le "$n" ]; do
	print_ready
	[ "$next" -le "$n" ] && sleep 0.1
done
wait
} | tee "$dir/all"
# keep the times of this run for the next (tests not run keep theirs)
if [ -s "$dir/times" ] || [ -s "$times" ]; then
	{ cat "$dir/times"; [ -f "$times" ] && cat "$times"; } 2>/dev/null |
		awk '!seen[$2]++' >"$dir/times.new" &&
		mkdir -p "$(dirname "$times")" && mv "$dir/times.new" "$times"
fi
pass=$(grep -c '^ok' "$dir/all")
fail=$(grep -c '^not ok' "$dir/all")
if [ "$fail" -ne 0 ]; then
	echo "failed:"
	grep '^not ok' "$dir/all" | sed 's/^/  /'
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
