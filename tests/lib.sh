# tests/lib.sh - sourced by every end-to-end script tests/e2e/tNNNN-*.sh.
#
# Each script runs in a fresh temp dir (removed afterwards) with:
#   $GS      the built greenslot binary (absolute path); under valgrind
#            (make check VALGRIND=1) a script that runs it in valgrind
#   $VG      the valgrind command line then, else empty: put it in front
#            of other built programs (fuzz harness replays)
#   $TOP     the repository root;  $FIX  tests/fixtures
#   $BUILD   the build dir (test tools are in $BUILD/tests/)
# and these helpers, after git's t/test-lib.sh:
#   test_expect_success 'what it checks' 'shell code'
#   expect_code N CMD...   run CMD, stdout to ./out, stderr to ./err; fail
#                          (return 1) unless it exits with status N; the
#                          per-feed lines of `ingest` go from err to
#                          ./feeds, without their seconds (which are
#                          also cut from a failed feed's error line)
#   test_cmp EXPECTED ACTUAL   diff -u, fails on any difference
#   test_grep PATTERN FILE     fails (showing FILE) unless grep -E matches
#   start_fake_server DIR [OPTION...]  serve DIR on 127.0.0.1
#                              (tests/tools/fake-server, requests logged to
#                              ./requests.log); sets PORT and URL (and PORT2
#                              with -n 2); the server stops when the script
#                              ends
#   sql DB QUERY               sqlite3 that waits for locks (10 s) instead of
#                              failing "database is locked" next to a writer
#   store_points DB            every recorded point of a store, one line
#                              each (zone|signal|time|value), sorted
#   test_done                  last line of every script
# Output is TAP: "ok N - what" / "not ok N - what".
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${GS_BUILD:-$TOP/build}
GS=$BUILD/greenslot
FIX=$TOP/tests/fixtures
export GREENSLOT_DB=greenslot.db
export TZ=UTC LC_ALL=C
unset ENTSOE_TOKEN
test_count=0
test_failed=0
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/greenslot-test.XXXXXX")
FAKE_SERVER_PID=
trap 'cd /; [ -z "$FAKE_SERVER_PID" ] || kill $FAKE_SERVER_PID 2>/dev/null; rm -rf "$TEST_DIR"' EXIT
cd "$TEST_DIR" || exit 1

# Valgrind (tests/run.sh exports VG with VALGRIND=1): errors (exit 99)
# and definite leaks fail the test they occur in.  GS stays one path
# (scripts take it as an argument, tests kill it by pid: the wrapper execs
# valgrind in its place).
VG=${VG:-}
if [ -n "$VG" ]; then
	mkdir "$TEST_DIR/.vg"
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$VG" "$GS" >"$TEST_DIR/.vg/greenslot"
	chmod +x "$TEST_DIR/.vg/greenslot"
	GS=$TEST_DIR/.vg/greenslot
fi

# The body runs in a subshell with set -e, and outside any condition: in
# `if (set -e; ...)` the shell would ignore set -e, so only the body's last
# command would count.
test_expect_success() {
	test_count=$((test_count + 1))
	(set -e; eval "$2") >"$TEST_DIR/.log" 2>&1
	if [ $? -eq 0 ]; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_DIR/.log"
	fi
}

expect_code() {
	want=$1; shift
	# (an AND-OR list: a test body's set -e must not end the test here)
	"$@" >out 2>err && got=0 || got=$?
	feed_line='^([A-Za-z0-9_.-]+: ([0-9]+ points: .*|not modified)), [0-9.]+ s$'
	sed -n -E "s/$feed_line/\\1/p" err >feeds
	# a failed feed's error line ends in its seconds: dropped like theirs
	sed -E -e "/$feed_line/d" \
		-e "s/^(greenslot: feed '.*) \([0-9.]+ s\)$/\1/" err >err.tmp &&
		mv err.tmp err
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got from: $*"
		echo "--- stderr:"; cat err
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

test_grep() {
	if ! grep -E -q -e "$1" "$2"; then
		echo "no match for '$1' in $2:"
		cat "$2"
		return 1
	fi
}

# the fake server's idle timeout, seconds (it ends with the script anyway):
# under valgrind on a busy machine a minute can pass between requests
FAKE_IDLE=60
[ -z "$VG" ] || FAKE_IDLE=900

start_fake_server() {
	dir=$1; shift
	"$BUILD/tests/fake-server" -l requests.log -i "$FAKE_IDLE" "$@" port "$dir" &
	FAKE_SERVER_PID=$!
	i=0
	while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(sed -n 1p port)
	PORT2=$(sed -n 2p port)
	URL=http://127.0.0.1:$PORT
}

sql() {
	sqlite3 -cmd ".timeout 10000" "$@"
}

store_points() {
	sql "$1" "SELECT s.zone, s.signal, p.time, p.value FROM point p
		JOIN series s ON s.id = p.series_id ORDER BY 1, 2, 3"
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}
