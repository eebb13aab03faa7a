#!/bin/sh
# Crash safety of ingest: SIGKILL at many points of a large ingest (200,000
# points in 8 feeds, a fresh store and then a store holding part of the
# data) never corrupts the store (PRAGMA integrity_check), never leaves a
# feed half stored (each feed is one transaction: its zone holds all of its
# points or none), never loses a point stored before the kill, and a rerun
# completes the data without duplicates, equal to a clean single run.
# Kill delays are drawn (seeded) up to the clean run's duration, so the
# kills land in store set-up, parsing, and the feeds' transactions alike.
. "$(dirname "$0")/../lib.sh"

ROUNDS=${KILL_ROUNDS:-8}
SEED=${KILL_SEED:-20261125}
# under valgrind (VG) a tenth of the points per feed: the same kills and
# checks, at a cost CI can pay for the whole suite (2,500 points per feed
# still take several times valgrind's start-up to store)
PER_FEED=25000
[ -z "$VG" ] || PER_FEED=2500
TOTAL=$((8 * PER_FEED))

. "$TOP/tests/kill.sh"
python3 "$TOP/tests/tools/gen-points.py" 8 $PER_FEED K 8

# zone, points and a checksum of times and values, one line per zone
contents() {
	has_table "$1" point || return 0
	sql "$1" "SELECT s.zone, count(*), printf('%.1f', total(p.value * (p.time / 900 % 97 + 1)))
		FROM point p JOIN series s ON s.id = p.series_id
		GROUP BY s.zone ORDER BY s.zone"
}

test_expect_success "a clean run stores $TOTAL points in 8 zones" '
	clean_run $GS ingest --db clean.db -q --no-forecast --feeds big.json &&
	test $(wc -l <full) -eq 8 &&
	test "$(sql clean.db "SELECT count(*) FROM point")" -eq $TOTAL &&
	store_points clean.db >clean.points
'

make_delays $SEED $((ROUNDS * 6)) "$(cat clean-ms 2>/dev/null || echo 500)"

test_expect_success "SIGKILL at $ROUNDS points of a fresh ingest, then again over the partial store" '
	KILL_WANT=$ROUNDS kill_rounds $ROUNDS k.db $GS ingest --db k.db -q --no-forecast --feeds big.json &&
	cat killed &&
	test $(wc -l <killed) -ge $ROUNDS &&
	store_points k.db >k.points &&
	test_cmp clean.points k.points
'

test_expect_success 'after the kills: no duplicates, no leftover write lock' '
	test "$(sql k.db "SELECT count(*) FROM (SELECT DISTINCT series_id, time FROM point)")" -eq $TOTAL &&
	test "$(sql k.db "SELECT count(*) FROM point")" -eq $TOTAL &&
	$GS series --db k.db --zone K3 >out &&
	test $(wc -l <out) -eq $((PER_FEED + 1))
'

test_done
