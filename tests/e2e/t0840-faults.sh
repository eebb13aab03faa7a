#!/bin/sh
# Resource faults: a full disk (a small tmpfs; and a file size limit), a
# read-only file system, unwritable paths, a store from a newer schema, a
# corrupted store (garbage, truncated, damaged pages, a foreign SQLite
# file).  Each is one clear "greenslot: ..." error and exit status 1, never
# a crash, and what was stored or written before stays whole.
#
# The tmpfs tests need a private mount namespace (unshare -m, as root):
# the script re-runs itself in one, so its mounts vanish with it.  Where
# that is not allowed they are skipped, saying why; the size-limit tests
# (ulimit -f with SIGXFSZ ignored: writes fail with EFBIG) always run.
if [ -z "$GS_MOUNT_NS" ] && unshare -m true 2>/dev/null; then
	GS_MOUNT_NS=1 exec unshare -m sh "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"

S=$FIX/solver
PLAN_SITES="--sites $S/sites.json"

python3 "$TOP/tests/tools/gen-points.py" 2 50000 L 13

# clear_error PATTERN: ./err (from expect_code) holds a greenslot message
# matching PATTERN, and no sanitizer report or signal
clear_error() {
	test_grep "^greenslot: $1" err &&
	! grep -E "Sanitizer|Segmentation|Aborted|core dumped" err
}

test_expect_success 'set up a store of three grids and an old plan' '
	expect_code 0 $GS ingest --db good.db --feeds $S/feeds.json &&
	sql good.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	store_points good.db >good.points &&
	test $(wc -l <good.points) -eq 432 &&
	$GS solve --db good.db $PLAN_SITES --oracle --policy fifo \
		-o plan.json $S/jobs.json 2>/dev/null &&
	cp plan.json old-plan.json
'

# ---- a full disk: a 1.2 MB tmpfs at ./full ----

mkdir full
if [ -n "$GS_MOUNT_NS" ] &&
	mount -t tmpfs -o size=1200k tmpfs full 2>mount.err; then
	TMPFS=1
else
	TMPFS=
	why="no tmpfs: $(cat mount.err 2>/dev/null)"
	[ -n "$GS_MOUNT_NS" ] || why="no tmpfs: unshare -m is not allowed"
fi

tmpfs_test() {
	if [ -n "$TMPFS" ]; then
		test_expect_success "$1" "$2"
	else
		test_count=$((test_count + 1))
		echo "ok $test_count # SKIP $1 ($why)"
	fi
}

tmpfs_test 'disk full during a large ingest: an error per feed, nothing torn' '
	cp good.db full/g.db &&
	expect_code 1 $GS ingest --db full/g.db --feeds big.json &&
	printf "greenslot: feed '\''f%d'\'': store '\''full/g.db'\'': database or disk is full\n" 0 1 >expect &&
	test_cmp expect err &&
	test "$(sql full/g.db "PRAGMA integrity_check")" = ok &&
	store_points full/g.db >got &&
	test_cmp good.points got
'

tmpfs_test 'with room again, a rerun stores everything' '
	mount -o remount,size=20m full &&
	expect_code 0 $GS ingest --db full/g.db -q --feeds big.json &&
	test "$(sql full/g.db "SELECT count(*) FROM point")" -eq 100432 &&
	test "$(sql full/g.db "PRAGMA integrity_check")" = ok
'

tmpfs_test 'disk full: solve -o and report -o fail cleanly, the old files stay' '
	rm -f full/g.db* &&
	cp old-plan.json full/plan.json &&
	echo "<p>old report</p>" >full/r.html &&
	{ dd if=/dev/zero of=full/filler bs=64k 2>/dev/null || :; } &&
	expect_code 1 $GS solve --db good.db $PLAN_SITES --oracle \
		--policy greedy -o full/plan.json $S/jobs.json &&
	clear_error "cannot write '\''full/plan.json'\'': No space left on device" &&
	cmp old-plan.json full/plan.json &&
	expect_code 1 $GS report --db good.db $PLAN_SITES -o full/r.html plan.json &&
	clear_error "cannot write '\''full/r.html'\'': No space left on device" &&
	echo "<p>old report</p>" >expect &&
	test_cmp expect full/r.html &&
	ls full >left &&
	printf "%s\n" filler plan.json r.html >expect &&
	test_cmp expect left
'

tmpfs_test 'a store on a read-only file system: ingest fails cleanly, the store unchanged' '
	rm -f full/filler &&
	cp good.db full/g.db &&
	mount -o remount,ro full &&
	expect_code 1 $GS ingest --db full/g.db --feeds big.json &&
	clear_error "store '\''full/g.db'\''" &&
	cmp good.db full/g.db
'

tmpfs_test 'reading a store on a read-only file system: the data, one notice' '
	expect_code 0 $GS series --db full/g.db &&
	test $(wc -l <out) -eq 433 &&
	test $(wc -l <err) -eq 1 &&
	test_grep "^greenslot: warning: store .full/g.db. is not writable: read as an immutable file" err
'

[ -z "$TMPFS" ] || umount full

# ---- a file size limit (EFBIG): runs everywhere ----

# limited N CMD...: CMD with files limited to N blocks, SIGXFSZ ignored
limited() {
	(n=$1; shift; trap "" XFSZ; ulimit -f "$n" && exec "$@")
}

test_expect_success 'file size limit during a large ingest: clear errors, nothing torn' '
	cp good.db lim.db &&
	expect_code 1 limited 400 $GS ingest --db lim.db --feeds big.json &&
	clear_error "feed '\''f0'\'': store '\''lim.db'\'': " &&
	test "$(sql lim.db "PRAGMA integrity_check")" = ok &&
	store_points lim.db >got &&
	test_cmp good.points got
'

# 100 blocks (51 or 102 kB): room for the store's 32 kB -shm, not the report
test_expect_success 'file size limit: report -o fails cleanly, the old report stays' '
	echo "<p>old report</p>" >r.html &&
	cp r.html old.html &&
	expect_code 1 limited 100 $GS report --db good.db $PLAN_SITES \
		-o r.html old-plan.json &&
	clear_error "cannot write '\''r.html'\'': File too large" &&
	cmp old.html r.html &&
	! ls r.html.tmp.* 2>/dev/null
'

# ---- unwritable paths (root ignores modes: a path under a regular file) ----

test_expect_success 'a store under a regular file: ingest and series say so' '
	: >file &&
	expect_code 1 $GS ingest --db file/x.db --feeds big.json &&
	echo "greenslot: store '\''file/x.db'\'': cannot open: unable to open database file" >expect &&
	test_cmp expect err &&
	expect_code 1 $GS series --db file/x.db &&
	echo "greenslot: no store at '\''file/x.db'\''; run '\''greenslot ingest'\'' first (or give --db)" >expect &&
	test_cmp expect err
'

test_expect_success 'solve -o and report -o under a regular file say so' '
	expect_code 1 $GS solve --db good.db $PLAN_SITES --oracle --policy greedy \
		-o file/plan.json $S/jobs.json &&
	clear_error "cannot write '\''file/plan.json'\'': Not a directory" &&
	expect_code 1 $GS report --db good.db $PLAN_SITES -o file/r.html old-plan.json &&
	clear_error "cannot write '\''file/r.html'\'': Not a directory"
'

# ---- stores greenslot cannot use ----

test_expect_success 'a store from a newer greenslot is refused, untouched' '
	cp good.db new.db &&
	known=$(sql good.db "PRAGMA user_version") &&
	sql new.db "PRAGMA user_version = 99" &&
	cp new.db new-before.db &&
	for cmd in "ingest --feeds big.json" "series" "forecast --zone CISO"; do
		expect_code 1 $GS $cmd --db new.db &&
		echo "greenslot: store '\''new.db'\'' has schema version 99, newer than this greenslot knows ($known); upgrade greenslot" >expect &&
		test_cmp expect err || return 1
	done &&
	cmp new-before.db new.db
'

python3 - 2>>py.err <<\EOF_PY
import random
import shutil
rng = random.Random(17)
with open("garbage.db", "wb") as f:
    f.write(bytes(rng.randrange(256) for _ in range(20000)))
data = open("good.db", "rb").read()
with open("truncated.db", "wb") as f:
    f.write(data[:len(data) // 2])
shutil.copy("good.db", "pages.db")
with open("pages.db", "r+b") as f:
    for page in (2, 3, 5, 8, 13):
        f.seek(page * 4096)
        f.write(bytes(rng.randrange(256) for _ in range(4096)))
EOF_PY

# broken_store DB: every command on a copy of DB exits 1 with a greenslot
# message (or 0, when the damage is in pages it does not read), no crash
broken_store() {
	for cmd in "ingest -q --feeds $S/feeds.json" "series" \
		"solve $PLAN_SITES --oracle --policy greedy $S/jobs.json" \
		"report $PLAN_SITES -o r.html old-plan.json" \
		"forecast --zone CISO --at 2021-06-27T00:00:00Z"; do
		cp "$1" b.db &&
		$GS $cmd --db b.db >out 2>err && rc=0 || rc=$?
		echo "$1: $cmd: $rc $(head -1 err)" >>outcomes
		case $rc in
		1) clear_error "" || return 1 ;;
		0) ;;
		*) echo "exit $rc from $cmd"; cat err; return 1 ;;
		esac
	done
}

test_expect_success 'a file of garbage: "file is not a database", exit 1' '
	expect_code 1 $GS series --db garbage.db &&
	echo "greenslot: store '\''garbage.db'\'': cannot prepare statement: file is not a database" >expect &&
	test_cmp expect err &&
	broken_store garbage.db
'

test_expect_success 'a truncated store: "malformed", exit 1' '
	expect_code 1 $GS series --db truncated.db &&
	echo "greenslot: store '\''truncated.db'\'': cannot prepare statement: database disk image is malformed" >expect &&
	test_cmp expect err &&
	broken_store truncated.db
'

test_expect_success 'a store with damaged pages: clear errors, no crash' '
	expect_code 1 $GS series --db pages.db &&
	clear_error "store '\''pages.db'\'': .*malformed" &&
	broken_store pages.db
'

test_expect_success 'a SQLite file that is not a store is refused, untouched' '
	sql other.db "CREATE TABLE t (x); INSERT INTO t VALUES (1)" &&
	cp other.db other-before.db &&
	expect_code 1 $GS ingest --db other.db --feeds big.json &&
	echo "greenslot: '\''other.db'\'' is not a greenslot store" >expect &&
	test_cmp expect err &&
	broken_store other.db &&
	cmp other-before.db other.db
'

test_done
