#!/bin/sh
# bench-report.sh - `greenslot report` on a big plan: 10,000 jobs on 20
# sites over 72 hours (tests/bench/gen-report.py, seeded), with a store
# holding a week of hourly carbon intensity before the plan and
# greenslot's forecast for it.  Goal: under 3 s and under 10 MB.
# Prints the median of RUNS (5) timed runs and the size of the report.
# Usage: sh bench-report.sh GREENSLOT OUT_DIR WORK_DIR
gs=${1:?usage: bench-report.sh GREENSLOT OUT_DIR WORK_DIR}
out=${2:?}
work=${3:?}
runs=${REPORT_RUNS:-5}
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "bench-report: $*" >&2; exit 1; }
# now, secs, median
. "$here/lib.sh"

mkdir -p "$work" "$out" || exit 1
python3 "$here/gen-report.py" "$work" || die "gen-report.py failed"
db=$work/report.db
rm -f "$db" "$db-wal" "$db-shm"
"$gs" ingest -q --db "$db" --feeds "$work/feeds.json" --no-forecast ||
	die "ingest failed"
zones=$(sed -n 's/.*"zone": "\(Z[0-9]*\)".*/--zone \1/p' "$work/sites.json")
# shellcheck disable=SC2086
"$gs" forecast --db "$db" $zones --signal carbon_intensity \
	--at 2026-11-02T00:00:00Z --horizon PT72H >/dev/null 2>&1 ||
	die "forecast failed"

t=
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	t0=$(now)
	SOURCE_DATE_EPOCH=1795000000 "$gs" report --db "$db" \
		--sites "$work/sites.json" -o "$work/report.html" \
		"$work/plan.json" || die "report failed"
	t1=$(now)
	t="$t $(secs "$t0" "$t1")"
	echo "run $i: $(secs "$t0" "$t1") s"
done
bytes=$(wc -c <"$work/report.html")
rows=$(grep -c '^<tr><td>job-' "$work/report.html")
# shellcheck disable=SC2086
m=$(median $t)
{
	echo "report: 10,000 jobs on 20 sites over 72 hours (1 plan," \
		"store: 7 days of history + the plan's horizon, greenslot's" \
		"forecast); median of $runs runs"
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	echo "machine: $(nproc) cpus, ${cpu:-unknown cpu}; $(uname -sr)"
	echo
	echo "seconds:  $m (goal: under 3)"
	echo "size:     $bytes bytes ($(awk -v b="$bytes" \
		'BEGIN { printf "%.2f", b / 1e6 }') MB; goal: under 10 MB)"
	echo "job rows: $rows"
	echo "runs (s):$t"
} >"$out/report.txt"
cat "$out/report.txt"
[ "$rows" = 10000 ] || die "the report lists $rows jobs, not 10000"
