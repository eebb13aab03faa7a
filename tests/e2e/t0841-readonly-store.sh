#!/bin/sh
# A store its reader cannot write: the file read-only and its directory
# too, so SQLite cannot create the WAL index (-shm) a normal read needs.
# Reading commands (series, solve, report) still read it, as an immutable
# file with a one-line notice; a write-ahead log with changes is not
# silently ignored; writing commands fail with a clear error and leave the
# store as it was.
#
# Root ignores permission bits, so as root the commands run as the user
# nobody (setpriv or runuser); as another user the permission bits alone
# make the store unwritable.
. "$(dirname "$0")/../lib.sh"

S=$FIX/solver
SITES="--sites $S/sites.json"

# as_reader CMD...: CMD as a user who cannot write ./ro
if [ "$(id -u)" -ne 0 ]; then
	as_reader() { "$@"; }
elif command -v setpriv >/dev/null 2>&1; then
	as_reader() {
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	}
elif command -v runuser >/dev/null 2>&1; then
	as_reader() { runuser -u nobody -- "$@"; }
else
	as_reader() { return 1; }
fi

test_expect_success 'set up a store, its points and a plan as its owner' '
	mkdir ro wr &&
	expect_code 0 $GS ingest --db ro/g.db --feeds $S/feeds.json &&
	$GS series --db ro/g.db >points.owner &&
	test $(wc -l <points.owner) -eq 433 &&
	$GS solve --db ro/g.db $SITES --oracle --policy fifo \
		-o plan.owner $S/jobs.json 2>/dev/null &&
	# readers leave an empty log and its index: as a store copied
	# to a read-only place, without them
	test ! -s ro/g.db-wal && rm -f ro/g.db-wal ro/g.db-shm &&
	cp ro/g.db g.copy &&
	chmod 755 "$TEST_DIR" && chmod 777 wr &&
	chmod 444 ro/g.db && chmod 555 ro
'

# the reader must reach the store and greenslot, and must not write ./ro
if as_reader test -r ro/g.db && as_reader test -x "$BUILD/greenslot" &&
	! as_reader sh -c ": >ro/probe" 2>/dev/null; then
	READER=1
else
	READER=
fi

reader_test() {
	if [ -n "$READER" ]; then
		test_expect_success "$1" "$2"
	else
		test_count=$((test_count + 1))
		echo "ok $test_count # SKIP $1 (no user who cannot write the store: not root, nor setpriv, nor runuser)"
	fi
}

NOTICE="greenslot: warning: store 'ro/g.db' is not writable: read as an immutable file (a concurrent writer's changes are not seen)"

reader_test 'series reads it: the same points, one notice, nothing created' '
	expect_code 0 as_reader $GS series --db ro/g.db &&
	test_cmp points.owner out &&
	echo "$NOTICE" >expect &&
	test_cmp expect err &&
	ls ro >left && echo g.db >expect && test_cmp expect left
'

reader_test 'solve and report read it' '
	expect_code 0 as_reader $GS solve --db ro/g.db $SITES --oracle \
		--policy fifo -o wr/plan.json $S/jobs.json &&
	test_grep "^greenslot: warning: store .ro/g.db. is not writable" err &&
	grep -v solve_seconds plan.owner >expect &&
	grep -v solve_seconds wr/plan.json >got &&
	test_cmp expect got &&
	expect_code 0 as_reader $GS report --db ro/g.db $SITES \
		-o wr/r.html wr/plan.json &&
	test -s wr/r.html
'

reader_test 'ingest fails with a clear error, the store unchanged' '
	expect_code 1 as_reader $GS ingest --db ro/g.db --feeds $S/feeds.json &&
	test_grep "^greenslot: store .ro/g.db.: attempt to write a readonly database \\(this command writes to the store: it needs write access" err &&
	! grep -E "Sanitizer|Segmentation|Aborted" err &&
	cmp g.copy ro/g.db && ls ro >left && echo g.db >expect &&
	test_cmp expect left
'

# a writer that died with its changes in the log (-wal, -shm left)
reader_test 'a log with changes: read through its index, or refused' '
	chmod 755 ro && chmod 644 ro/g.db &&
	python3 -c "
import os, sqlite3
c = sqlite3.connect(\"ro/g.db\")
c.execute(\"PRAGMA wal_autocheckpoint = 0\")
c.execute(\"UPDATE point SET value = value + 1000\")
c.commit()
os._exit(0)" &&
	test -s ro/g.db-wal && test -e ro/g.db-shm &&
	chmod 444 ro/g.db ro/g.db-wal ro/g.db-shm && chmod 555 ro &&
	expect_code 0 as_reader $GS series --db ro/g.db &&
	test $(wc -l <out) -eq 433 &&
	! cmp -s points.owner out &&
	test ! -s err &&
	chmod 755 ro && rm ro/g.db-shm && chmod 555 ro &&
	expect_code 1 as_reader $GS series --db ro/g.db &&
	test_grep "^greenslot: store .ro/g.db. is not writable and its write-ahead log .ro/g.db-wal. holds changes" err &&
	test ! -s out
'

test_expect_success 'its owner reads the changes and writes again' '
	chmod 755 ro && chmod 644 ro/g.db ro/g.db-wal 2>/dev/null
	if [ -e ro/g.db-wal ]; then
		expect_code 0 $GS series --db ro/g.db &&
		! cmp -s points.owner out
	fi &&
	expect_code 0 $GS ingest --db ro/g.db --feeds $S/feeds.json &&
	test "$(sql ro/g.db "PRAGMA integrity_check")" = ok
'

test_done
