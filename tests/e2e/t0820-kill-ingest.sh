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

ROUNDS=${KILL_ROUNDS:-10}
SEED=${KILL_SEED:-20261125}

python3 - 2>py.err <<\EOF_PY
import random
import time
rng = random.Random(8)
with open("feeds.json", "w") as f:
    f.write('{"feeds": [\n' + ",\n".join(
        ' {"name": "f%d", "kind": "csv", "url": "feed%d.csv"}' % (i, i)
        for i in range(8)) + "\n]}\n")
for i in range(8):
    with open("feed%d.csv" % i, "w") as f:
        f.write("time,zone,signal,value\n")
        t0 = 1577836800
        for k in range(25000):
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                  time.gmtime(t0 + k * 900))
            f.write("%s,K%d,carbon_intensity,%.1f\n" % (
                stamp, i, rng.uniform(5, 900)))
EOF_PY

# zone, points and a checksum of times and values, one line per zone
zones() {
	if [ -z "$(sql "$1" "SELECT name FROM sqlite_master WHERE name = 'point'")" ]; then
		return 0
	fi
	sql "$1" "SELECT s.zone, count(*), printf('%.1f', total(p.value * (p.time / 900 % 97 + 1)))
		FROM point p JOIN series s ON s.id = p.series_id
		GROUP BY s.zone ORDER BY s.zone"
}

# all recorded points, for comparing two stores
points() {
	sql "$1" "SELECT s.zone, s.signal, p.time, p.value FROM point p
		JOIN series s ON s.id = p.series_id ORDER BY 1, 2, 3"
}

# check_store DB: whole, and every zone in it complete (a line of ./full)
check_store() {
	test "$(sql "$1" "PRAGMA integrity_check")" = ok &&
	zones "$1" >got &&
	comm -23 got full >torn &&
	test_cmp /dev/null torn
}

# kill_at DB DELAY: start an ingest into DB, SIGKILL it after DELAY
# seconds; counts in ./killed the runs the kill cut short
kill_at() {
	$GS ingest --db "$1" -q --no-forecast --feeds feeds.json 2>kill.err &
	pid=$!
	sleep "$2"
	kill -KILL $pid 2>/dev/null
	wait $pid
	rc=$?
	case $rc in
	137) echo "$1 $2" >>killed ;;
	0) ;;
	*) echo "ingest exited $rc"; cat kill.err; return 1 ;;
	esac
}

test_expect_success 'a clean run stores 200000 points in 8 zones' '
	t0=$(date +%s%N) &&
	$GS ingest --db clean.db -q --no-forecast --feeds feeds.json &&
	t1=$(date +%s%N) &&
	echo $(((t1 - t0) / 1000000)) >clean-ms &&
	zones clean.db >full &&
	test $(wc -l <full) -eq 8 &&
	test "$(sql clean.db "SELECT count(*) FROM point")" -eq 200000 &&
	points clean.db >clean.points
'

# delays in seconds, uniform in [0, 1.2 x the clean run]
awk -v seed=$SEED -v n=$((ROUNDS * 2)) -v ms="$(cat clean-ms 2>/dev/null || echo 500)" \
	'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.3f\n", rand() * ms * 1.2 / 1000 }' >delays

test_expect_success "SIGKILL at $ROUNDS points of a fresh ingest, then again over the partial store" '
	: >killed &&
	i=0 &&
	while [ $i -lt $ROUNDS ]; do
		i=$((i + 1)) &&
		rm -f k.db k.db-wal k.db-shm &&
		kill_at k.db $(sed -n "$((2 * i - 1))p" delays) &&
		check_store k.db &&
		echo "round $i: $(wc -l <got) zones after the first kill" >>partial &&
		cp got before &&
		kill_at k.db $(sed -n "$((2 * i))p" delays) &&
		check_store k.db &&
		comm -23 before got >lost &&
		test_cmp /dev/null lost &&
		$GS ingest --db k.db -q --no-forecast --feeds feeds.json &&
		check_store k.db &&
		test_cmp full got &&
		points k.db >k.points &&
		test_cmp clean.points k.points || return 1
	done &&
	cat killed partial &&
	test $(wc -l <killed) -ge $ROUNDS
'

test_expect_success 'after the kills: no duplicates, no leftover write lock' '
	test "$(sql k.db "SELECT count(*) FROM (SELECT DISTINCT series_id, time FROM point)")" -eq 200000 &&
	test "$(sql k.db "SELECT count(*) FROM point")" -eq 200000 &&
	$GS series --db k.db --zone K3 >out &&
	test $(wc -l <out) -eq 25001
'

test_done
