#!/bin/sh
# bench-store.sh - the store at the scale it is designed for: a year of
# 5-minute carbon intensity for 100 zones (10,512,000 points, one csv feed
# per zone, tests/bench/gen-store.py, seeded), ingested into a fresh store
# in one run; then what cron and users do with such a store: the next
# day's points for every zone (28,800 points, the hourly cron run on a full
# store, timed once), the same run again (nothing new), one zone's day and whole year
# read back by `series`, and a forecast of one zone.  Prints times (median
# of RUNS (3) runs for everything after the first ingest), the store's
# size and bytes per point.  ZONES=N scales it down.
# Usage: sh bench-store.sh GREENSLOT OUT_DIR WORK_DIR
gs=${1:?usage: bench-store.sh GREENSLOT OUT_DIR WORK_DIR}
out=${2:?}
work=${3:?}
runs=${RUNS:-3}
zones=${ZONES:-100}
probe=$(printf "Z%03d" $((zones / 2)))
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "bench-store: $*" >&2; exit 1; }
# now, secs, median
. "$here/lib.sh"

mkdir -p "$work" "$out" || exit 1
python3 "$here/gen-store.py" "$work" "$zones" || die "gen-store.py failed"
db=$work/store.db
rm -f "$db" "$db-wal" "$db-shm"

# Runs the command RUNS times; prints "LABEL: MEDIAN s (runs: ...)".
timed() { # label command...
	label=$1
	shift
	t=
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		t0=$(now)
		"$@" >"$work/out" || die "$label failed"
		t="$t $(secs "$t0" "$(now)")"
	done
	# shellcheck disable=SC2086
	echo "$label: $(median $t) s (runs:$t)"
}

{
	echo "Store benchmark: $zones zones x one year of 5-minute carbon intensity"
	echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "machine: $(nproc) cpus; $(uname -sr); sqlite3 $(sqlite3 --version |
		cut -d' ' -f1)"
	t0=$(now)
	"$gs" ingest -q --no-forecast --db "$db" --feeds "$work/year.json" ||
		die "ingest of the year failed"
	t=$(secs "$t0" "$(now)")
	n=$(sqlite3 "$db" 'SELECT count(*) FROM point')
	sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	size=$(stat -c %s "$db")
	echo "ingest of the year, one run: $t s, $n points," \
		"$(awk -v n="$n" -v t="$t" 'BEGIN { printf "%.0f", n / t }') points/s"
	echo "store: $(awk -v s="$size" 'BEGIN { printf "%.0f", s / 1048576 }') MiB," \
		"$(awk -v s="$size" -v n="$n" 'BEGIN { printf "%.1f", s / n }') bytes/point"
	t0=$(now)
	"$gs" ingest -q --no-forecast --db "$db" --feeds "$work/day.json" ||
		die "ingest of the day failed"
	echo "cron run: the next day for every zone, into the full store," \
		"one run: $(secs "$t0" "$(now)") s"
	timed "cron run again (nothing new)" \
		"$gs" ingest -q --no-forecast --db "$db" --feeds "$work/day.json"
	timed "series: one zone, one day" "$gs" series --db "$db" --zone "$probe" \
		--from 2023-07-01T00:00:00Z --to 2023-07-02T00:00:00Z
	timed "series: one zone, the whole year" "$gs" series --db "$db" \
		--zone "$probe"
	timed "forecast: one zone, 48 h ahead" "$gs" forecast --db "$db" \
		--zone "$probe" --signal carbon_intensity --at 2024-01-02T00:00:00Z \
		--horizon PT48H
} >"$out/store.txt" 2>&1
status=$?
cat "$out/store.txt"
rm -f "$work"/*.csv "$db" "$db-wal" "$db-shm"
exit $status
