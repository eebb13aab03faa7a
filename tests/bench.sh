#!/bin/sh
# Runs greenslot's benchmarks (`make bench`; never part of `make check`)
# and writes their figures to BUILD/bench/*.txt.  Figures are printed,
# never asserted: they depend on the machine.  What is measured:
#
#   ingest-csv.txt     one year of hourly carbon intensity for 50 zones
#                      (438,000 points, generic long-form CSV) into a fresh
#                      store, against the sqlite3 shell's .import of the
#                      same file (a) into a plain table and (b) the same
#                      plus the rows moved into greenslot's own tables
#                      (tests/bench/csv-import.sql): (b) stores what
#                      greenslot stores and is the like-for-like reference
#   ingest-entsoe.txt  one year of 15-minute ENTSO-E A75 (16 production
#                      types, one zone) read from a plain path: MB/s
#                      parsed and stored
#   NAME.txt           tests/bench/bench-NAME.sh: forecast, report,
#                      runtime, solver and store (see each script)
#
# Every run starts from a fresh store, created beforehand by an empty
# ingest so that creating the schema is not timed.  Medians of CSV_RUNS
# (5) and ENTSOE_RUNS (3) runs; times come from `date +%s.%N`.
# Usage: tests/bench.sh BUILD_DIR
build=${1:?usage: tests/bench.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
gs=$build/greenslot
bench=$top/tests/bench
csv_runs=${CSV_RUNS:-5}
entsoe_runs=${ENTSOE_RUNS:-3}

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$gs" ] || die "no '$gs': run make first"
command -v python3 >/dev/null || die "python3 is needed to generate inputs"
out=$build/bench
work=$out/work
rm -rf "$work"
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# now, secs, median
. "$bench/lib.sh"
div() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { printf f, a / b }'; }

# A fresh store holding the schema and nothing else.
fresh_store() { # path
	rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
	"$gs" ingest -q --db "$1" --feeds "$work/empty.json" ||
		die "cannot create a store at '$1'"
}

# Recorded points in a store, to check that a run stored everything.
count_points() { # db
	sqlite3 "$1" 'SELECT count(*) FROM point'
}

machine() {
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
		head -n 1)
	echo "machine: $(nproc) cpus, ${cpu:-unknown cpu}; $(uname -sr)"
	echo "sqlite3 shell: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1-2)"
	echo "greenslot: $($gs --version 2>/dev/null || echo "$gs")"
}

echo 'time,zone,signal,value' >"$work/empty.csv"
printf '{"feeds": [{"name": "bench", "kind": "csv", "url": "%s"}]}\n' \
	"$work/empty.csv" >"$work/empty.json"

# ---- CSV ------------------------------------------------------------

bench_csv() {
	csv=$work/zones.csv
	t0=$(now)
	python3 "$bench/gen-csv.py" >"$csv" || die "gen-csv.py failed"
	echo "generated $(wc -l <"$csv") lines ($(wc -c <"$csv") bytes) in" \
		"$(secs "$t0" "$(now)") s"
	npoints=$(($(wc -l <"$csv") - 1))
	printf '{"feeds": [{"name": "bench", "kind": "csv", "url": "%s"}]}\n' \
		"$csv" >"$work/csv.json"
	sed "s|@CSV@|$csv|" "$bench/csv-import.sql" >"$work/import.sql"
	have_sqlite=$(command -v sqlite3)
	[ -n "$have_sqlite" ] ||
		echo "no sqlite3 shell: only greenslot is measured"
	g=; a=; b=
	i=0
	while [ $i -lt "$csv_runs" ]; do
		i=$((i + 1))
		db=$work/g.db
		fresh_store "$db"
		t0=$(now)
		"$gs" ingest -q --db "$db" --feeds "$work/csv.json" ||
			die "greenslot ingest failed"
		t1=$(now)
		[ -z "$have_sqlite" ] || [ "$(count_points "$db")" = "$npoints" ] ||
			die "greenslot stored $(count_points "$db") points, not $npoints"
		g="$g $(secs "$t0" "$t1")"
		[ -n "$have_sqlite" ] || continue

		db=$work/a.db
		rm -f "$db"
		t0=$(now)
		sqlite3 -bail "$db" \
			'CREATE TABLE raw (time TEXT, zone TEXT, signal TEXT, value REAL)' \
			".import --csv --skip 1 $csv raw" || die "sqlite3 .import failed"
		t1=$(now)
		a="$a $(secs "$t0" "$t1")"

		db=$work/b.db
		fresh_store "$db"
		t0=$(now)
		sqlite3 -bail "$db" <"$work/import.sql" ||
			die "sqlite3 .import into the store failed"
		t1=$(now)
		[ "$(count_points "$db")" = "$npoints" ] ||
			die "sqlite3 stored $(count_points "$db") points, not $npoints"
		b="$b $(secs "$t0" "$t1")"
		echo "run $i: greenslot $(secs 0 "${g##* }") s," \
			"sqlite3 .import $(secs 0 "${a##* }") s," \
			"sqlite3 .import + upsert $(secs 0 "${b##* }") s"
	done
	# shellcheck disable=SC2086
	mg=$(median $g)
	{
		echo "CSV ingest: $npoints points (1 year hourly, 50 zones," \
			"$(wc -c <"$csv") bytes), median of $csv_runs runs," \
			"each into a fresh store"
		machine
		echo
		printf '%-40s %9s %12s %10s\n' "" "seconds" "points/s" "rel. time"
		printf '%-40s %9s %12s %10s\n' "greenslot ingest (csv feed)" "$mg" \
			"$(div "$npoints" "$mg" %.0f)" "1.00"
		if [ -n "$have_sqlite" ]; then
			# shellcheck disable=SC2086
			ma=$(median $a)
			# shellcheck disable=SC2086
			mb=$(median $b)
			printf '%-40s %9s %12s %10s\n' \
				"(b) sqlite3 .import + upsert into store" "$mb" \
				"$(div "$npoints" "$mb" %.0f)" \
				"$(div "$mb" "$mg" %.2f)"
			printf '%-40s %9s %12s %10s\n' \
				"(a) sqlite3 .import into a plain table" "$ma" \
				"$(div "$npoints" "$ma" %.0f)" \
				"$(div "$ma" "$mg" %.2f)"
			echo
			echo "greenslot / (b) = $(div "$mg" "$mb" %.2f)x" \
				"(goal: at most 1.5x; (b) stores what greenslot" \
				"stores and is the reference)"
			echo "greenslot / (a) = $(div "$mg" "$ma" %.2f)x" \
				"((a) parses no times and stores only text rows)"
		fi
		echo "runs (s): greenslot$g"
		[ -z "$have_sqlite" ] || echo "runs (s): (b)$b"
		[ -z "$have_sqlite" ] || echo "runs (s): (a)$a"
	} >"$out/ingest-csv.txt"
	cat "$out/ingest-csv.txt"
	rm -f "$csv" "$work"/?.db*
}

# ---- ENTSO-E A75 ----------------------------------------------------

bench_entsoe() {
	xml=$work/a75.xml
	t0=$(now)
	python3 "$bench/gen-entsoe.py" >"$xml" || die "gen-entsoe.py failed"
	bytes=$(wc -c <"$xml")
	echo "generated $bytes bytes of A75 XML in $(secs "$t0" "$(now)") s"
	printf '{"feeds": [{"name": "bench", "kind": "entsoe", "zone": "DE",
	  "url": "%s"}]}\n' "$xml" >"$work/entsoe.json"
	x=
	i=0
	while [ $i -lt "$entsoe_runs" ]; do
		i=$((i + 1))
		db=$work/x.db
		fresh_store "$db"
		t0=$(now)
		"$gs" ingest -q --db "$db" --feeds "$work/entsoe.json" ||
			die "greenslot ingest of A75 failed"
		t1=$(now)
		x="$x $(secs "$t0" "$t1")"
		echo "run $i: $(secs "$t0" "$t1") s"
	done
	npoints=$(count_points "$db" 2>/dev/null)
	# shellcheck disable=SC2086
	mx=$(median $x)
	{
		echo "ENTSO-E A75 ingest: 1 year of 15-minute generation," \
			"16 production types, one zone; $bytes bytes;" \
			"median of $entsoe_runs runs, each into a fresh store"
		machine
		echo
		echo "seconds:        $mx"
		echo "MB/s:           $(div "$bytes" "$(div "$mx" 0.000001 %.6f)" %.1f)" \
			"(parsed and stored; MB = 10^6 bytes)"
		[ -z "$npoints" ] ||
			echo "points stored:  $npoints" \
				"(generation_<fuel> and carbon_intensity)," \
				"$(div "$npoints" "$mx" %.0f) points/s"
		echo "runs (s):$x"
	} >"$out/ingest-entsoe.txt"
	cat "$out/ingest-entsoe.txt"
	rm -f "$xml" "$work"/?.db*
}

# BENCH=NAME runs only that benchmark (csv, entsoe, ingest for both, or a
# script's NAME).
only=${BENCH:-}
if [ -z "$only" ] || [ "$only" = csv ] || [ "$only" = ingest ]; then
	echo "# CSV ingest"
	bench_csv
	echo
fi
if [ -z "$only" ] || [ "$only" = entsoe ] || [ "$only" = ingest ]; then
	echo "# ENTSO-E A75 ingest"
	bench_entsoe
	echo
fi
# Every other stage's benchmark is its own script, tests/bench/bench-NAME.sh,
# run as: sh SCRIPT GREENSLOT OUT_DIR WORK_DIR; it writes OUT_DIR/NAME.txt.
for script in "$bench"/bench-*.sh; do
	[ -f "$script" ] || continue
	name=${script##*/bench-}
	name=${name%.sh}
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	echo "# $name"
	mkdir -p "$work/$name"
	sh "$script" "$gs" "$out" "$work/$name" || die "bench-$name.sh failed"
	echo
done
echo "figures written to $out/*.txt"
