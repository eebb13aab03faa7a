#!/bin/sh
# Runs every libFuzzer harness of BUILD_DIR (make fuzz builds them into
# build-fuzz/tests/) for SECONDS each, its corpus seeded from the files
# tests/fuzz/seeds.txt names, and prints the executions each ran.  A crash,
# leak or failed invariant leaves its input in BUILD_DIR/fuzz-crash/NAME/
# (save it under tests/fuzz/regress/NAME/ with the fix) and fails.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS
build=${1:?usage: tests/fuzz/run.sh BUILD_DIR SECONDS}
secs=${2:-10}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp"
export TZ=UTC LC_ALL=C
cd "$top" || exit 1
failed=0
grep -v '^#' tests/fuzz/seeds.txt | {
while read -r name globs; do
	[ -n "$name" ] || continue
	bin=$build/tests/fuzz-$name
	[ -x "$bin" ] || { echo "fuzz-$name: not built"; exit 1; }
	corpus=$build/fuzz-corpus/$name
	crash=$build/fuzz-crash/$name
	log=$build/fuzz-$name.log
	mkdir -p "$corpus" "$crash"
	for f in $globs tests/fuzz/regress/$name/*; do
		[ -f "$f" ] && cp "$f" "$corpus/seed-$(echo "$f" | tr / _)"
	done
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=20 \
		-rss_limit_mb=2048 -max_len=65536 $dict \
		-artifact_prefix="$crash/" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	size=$(ls "$corpus" | wc -l)
	if [ $rc -ne 0 ]; then
		echo "fuzz-$name: FINDING after ${execs:-?} executions (exit $rc): $(ls "$crash" | head -1)"
		grep -m 5 -E 'ERROR|SUMMARY|invariant' "$log" | sed 's/^/  /'
		failed=1
		continue
	fi
	printf 'fuzz-%s: %s executions in %ss, corpus %s inputs, no finding\n' \
		"$name" "${execs:-?}" "$secs" "$size"
done
exit $failed
}
