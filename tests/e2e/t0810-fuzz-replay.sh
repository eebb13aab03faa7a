#!/bin/sh
# The fuzz harnesses' bodies (tests/fuzz/fuzz-NAME.c, built with a replay
# main() in the regular build) on every seed of tests/fuzz/seeds.txt and
# every input a fuzzer once crashed on (tests/fuzz/regress/NAME/): no
# crash, no sanitizer or valgrind report, no failed invariant.
. "$(dirname "$0")/../lib.sh"

grep -v '^#' "$TOP/tests/fuzz/seeds.txt" >harnesses
while read -r name globs; do
	[ -n "$name" ] || continue
	test_expect_success "fuzz-$name: seeds and regressions replay cleanly" '
		set -- &&
		for g in $globs tests/fuzz/regress/$name/*; do
			for f in "$TOP"/$g; do
				if [ -f "$f" ]; then set -- "$@" "$f"; fi
			done
		done &&
		test $# -gt 0 &&
		$VG "$BUILD/tests/fuzz-$name" "$@" >out 2>err &&
		! grep "^not ok" out &&
		test $(grep -c "^ok" out) -eq $#
	'
done <harnesses

test_done
