#!/bin/sh
# Forecast benchmark (`BENCH=forecast make bench`): how good greenslot's
# model is and how fast.  Writes OUT_DIR/forecast.txt.
#
#  1. Day-ahead accuracy on the DACF regions: hourly carbon intensity and
#     mix of CISO, ERCO, ISNE, PJM and SE with their day-ahead weather
#     forecasts (`issued` columns), ingested as csv feeds (weather under
#     the same zone key), then `forecast backtest` issued daily at 00:00
#     UTC for 24 h over 2021-01..06: MAPE of greenslot against seasonal
#     naive (bar: 25% lower) and interval coverage (bars: 77-83%, 93-97%).
#  2. Speed: a full-year backtest of one zone (365 daily forecasts) and one
#     `forecast` of 100 zones 96 h ahead (shifted and scaled copies of the
#     five real series and their weather).
#  3. Provider forecasts scored with the same backtest: UK ESO's national
#     forecast against its actuals (recorded API responses, 2023-03-14..19)
#     and WattTime's MOER forecast for CAISO_NORTH against its actuals
#     (2023-06-08..07-08; values as in the files, gCO2/kWh).
#
# Needs the real data (GREENSLOT_DATA, default /work/shared/data); without
# it the benchmark says so and stops.  Times are medians of RUNS (3) runs,
# from `date +%s.%N`.  Usage: sh bench-forecast.sh GREENSLOT OUT_DIR WORK_DIR
gs=${1:?usage: bench-forecast.sh GREENSLOT OUT_DIR WORK_DIR}
out=${2:?}
work=${3:?}
data=${GREENSLOT_DATA:-/work/shared/data}
runs=${RUNS:-3}
bench=$(cd "$(dirname "$0")" && pwd)
regions="CISO ERCO ISNE PJM SE"
report=$out/forecast.txt

die() { echo "bench-forecast: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
# CPU seconds (user + system) of the shell's finished children, from the
# output of `times` in file $1 (run in the shell itself: a command
# substitution would be a subshell without children).
child_cpu() {
	sed -n 2p "$1" | awk '{
		t = 0
		for (i = 1; i <= 2; i++) {
			split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2]
		}
		printf "%.2f", t }'
}
# Runs "$@" RUNS times; prints the median wall-clock seconds, and sets
# cpu to the median CPU seconds (wall-clock on a loaded machine is more).
timed() {
	ts=
	cs=
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		times >"$work/times0"
		t0=$(now)
		"$@" >"$work/timed.out" 2>"$work/timed.err" ||
			die "'$*' failed: $(cat "$work/timed.err")"
		ts="$ts $(secs "$t0" "$(now)")"
		times >"$work/times1"
		cs="$cs $(secs "$(child_cpu "$work/times0")" \
			"$(child_cpu "$work/times1")")"
	done
	# shellcheck disable=SC2086
	echo "$(median $ts) s wall-clock, $(median $cs) s CPU"
}

if [ ! -d "$data/carbon" ] || [ ! -d "$data/weather" ]; then
	echo "no real data in '$data' (set GREENSLOT_DATA): forecast" \
		"benchmark skipped" | tee "$report"
	exit 0
fi
command -v python3 >/dev/null || die "python3 is needed to convert inputs"

db=$work/regions.db
rm -f "$db"*
{
	echo '{"feeds": ['
	sep=
	for z in $regions; do
		printf '%s{"name": "%s", "kind": "csv", "zone": "%s", "url": "%s"},\n' \
			"$sep" "$z" "$z" "$data/carbon/$z.csv"
		printf '{"name": "%s-weather", "kind": "csv", "zone": "%s", "url": "%s"}' \
			"$z" "$z" "$data/weather/${z}_forecast.csv"
		sep=',
'
	done
	echo ']}'
} >"$work/regions.json"
"$gs" ingest -q --no-forecast --db "$db" --feeds "$work/regions.json" ||
	die "ingest of the regions failed"

# ---- 1. accuracy -------------------------------------------------------

# One line of the accuracy table from a backtest's JSON.
row() { # zone json
	python3 - "$1" "$2" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[2]))
	g, s = d["models"]["greenslot"], d["models"]["seasonal_naive"]
	c = d["components"]
	red = 100 * (1 - g["mape"] / s["mape"])
	ok = red >= 25 and 0.77 <= g["coverage80"] <= 0.83 \
		and 0.93 <= g["coverage95"] <= 0.97
	print("%-5s %6d %9.2f %9.2f %8.1f%% %6.3f %6.3f %9.2f %9.2f  %s" % (
		sys.argv[1], g["n"], g["mape"], s["mape"], red,
		g["coverage80"], g["coverage95"], c["smoothing"]["mape"],
		c["regression"]["mape"], "yes" if ok else "NO"))
	PY
}

accuracy() {
	echo "Day-ahead (issued 00:00 UTC, PT24H, step PT24H), 2021-01-01..07-01;"
	echo "MAPE in %, reduction = 1 - greenslot/seasonal naive (bar >= 25%),"
	echo "coverage of the 80%/95% intervals (bars 0.77-0.83, 0.93-0.97)"
	echo
	printf '%-5s %6s %9s %9s %9s %6s %6s %9s %9s  %s\n' zone points \
		greenslot s.naive reduction cov80 cov95 smoothing regression \
		"bars met"
	for z in $regions; do
		"$gs" forecast backtest --db "$db" --zone "$z" \
			--signal carbon_intensity --from 2021-01-01T00:00:00Z \
			--to 2021-07-01T00:00:00Z --horizon PT24H --step PT24H \
			>"$work/bt-$z.json" || die "backtest of $z failed"
		row "$z" "$work/bt-$z.json"
	done
}

# ---- 2. speed ----------------------------------------------------------

year_backtest() {
	"$gs" forecast backtest --db "$db" --zone CISO \
		--signal carbon_intensity --from 2020-06-30T00:00:00Z \
		--to 2021-06-30T00:00:00Z --horizon PT24H --step PT24H
}

# 100 zones Z000..Z099: zone i is region i % 5, scaled by 0.8 + 0.004 i
# and shifted i hours later, with that region's weather shifted alike;
# the last 240 days before the forecast (what the model reads).
make_zones() {
	python3 - "$data" "$work/zones.csv" "$work/zones-weather.csv" <<-\PY
	import csv, datetime, sys
	data, out_ci, out_wx = sys.argv[1:4]
	regions = ["CISO", "ERCO", "ISNE", "PJM", "SE"]
	start = "2020-10-01"
	def shift(t, h):
	    d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ")
	    d += datetime.timedelta(hours=h)
	    return d.strftime("%Y-%m-%dT%H:%M:%SZ")
	ci = {r: [(row["time"], float(row["carbon_intensity"]))
	          for row in csv.DictReader(open(f"{data}/carbon/{r}.csv"))
	          if row["time"] >= start] for r in regions}
	wx = {r: [row for row in csv.DictReader(
	          open(f"{data}/weather/{r}_forecast.csv"))
	          if row["time"] >= start] for r in regions}
	cols = ["temperature", "wind_speed", "solar_radiation", "dewpoint",
	        "precipitation"]
	with open(out_ci, "w") as f, open(out_wx, "w") as g:
	    f.write("time,zone,carbon_intensity\n")
	    g.write("time,issued,zone," + ",".join(cols) + "\n")
	    for i in range(100):
	        r, k, z = regions[i % 5], 0.8 + 0.004 * i, "Z%03d" % i
	        for t, v in ci[r]:
	            f.write("%s,%s,%.2f\n" % (shift(t, i), z, v * k))
	        for row in wx[r]:
	            g.write("%s,%s,%s,%s\n" % (shift(row["time"], i),
	                    shift(row["issued"], i), z,
	                    ",".join(row[c] for c in cols)))
	PY
}

zones_forecast() {
	# shellcheck disable=SC2046
	"$gs" forecast --db "$work/zones.db" --signal carbon_intensity \
		--at 2021-06-01T00:00:00Z --horizon PT96H \
		$(i=0; while [ $i -lt 100 ]; do printf -- '--zone Z%03d ' $i; i=$((i + 1)); done)
}

speed() {
	ty=$(timed year_backtest)
	issues=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["issues"])' \
		<"$work/timed.out")
	echo "full-year backtest, CISO, $issues daily forecasts of 24 h:" \
		"$ty (goal < 10 s)"
	make_zones || die "cannot make the 100 zones"
	printf '{"feeds": [{"name": "zones", "kind": "csv", "url": "%s"},
	  {"name": "zones-weather", "kind": "csv", "url": "%s"}]}\n' \
		"$work/zones.csv" "$work/zones-weather.csv" >"$work/zones.json"
	rm -f "$work/zones.db"*
	"$gs" ingest -q --no-forecast --db "$work/zones.db" \
		--feeds "$work/zones.json" || die "ingest of the 100 zones failed"
	tz=$(timed zones_forecast)
	echo "forecast of 100 zones 96 h ahead (with weather, stored):" \
		"$tz ($(grep -c 'model combined' "$work/timed.out") of 100" \
		"by the combined model)"
}

# ---- 3. providers ------------------------------------------------------

# Prints the provider's line from a backtest's JSON.
provider_row() { # label json source
	python3 - "$1" "$2" "$3" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[2]))
	m = d["models"]
	p, s = m[sys.argv[3]], m["seasonal_naive"]
	print("%-28s n %5d  MAE %7.2f  MAPE %6.2f%%  bias %+7.2f   "
	      "(seasonal naive on the same points: MAPE %6.2f%%)" % (
	      sys.argv[1], p["n"], p["mae"], p["mape"], p["bias"], s["mape"]))
	PY
}

# Ingests WORK/NAME.csv (long form, forecasts with `issued`) into a fresh
# store as feed NAME, backtests ZONE with the options given and prints the
# provider's line.
provider_backtest() { # name zone label backtest-options...
	name=$1 zone=$2 label=$3
	shift 3
	printf '{"feeds": [{"name": "%s", "kind": "csv", "url": "%s"}]}\n' \
		"$name" "$work/$name.csv" >"$work/$name.json"
	rm -f "$work/$name.db"*
	"$gs" ingest -q --no-forecast --db "$work/$name.db" \
		--feeds "$work/$name.json" || die "ingest of $name failed"
	"$gs" forecast backtest --db "$work/$name.db" --zone "$zone" \
		--signal carbon_intensity "$@" >"$work/bt-$name.json" ||
		die "backtest of $zone failed"
	provider_row "$label" "$work/bt-$name.json" "$name"
}

# Writes WORK/NAME.csv: the recorded UK national actuals of the pt24h
# responses, plus NAME's forecasts: for uk-eso the 48 h vintage issued
# 2023-03-16 12:01Z, for uk-eso-recent what the responses show for their
# own windows.
uk_eso_csv() { # name
	python3 - "$uk" "$work/$1.csv" "$1" <<-\PY
	import csv, glob, sys
	seen = {}
	iso = lambda s: s.replace("Z", ":00Z")
	with open(sys.argv[2], "w") as f:
	    f.write("time,zone,signal,value,issued\n")
	    for path in sorted(glob.glob(sys.argv[1] + "/national_pt24h_*.csv")):
	        rows = list(csv.DictReader(open(path)))
	        for r in rows:
	            t = iso(r["from"])
	            if r["intensity.actual"] and t not in seen:
	                seen[t] = 1
	                f.write("%s,GB,carbon_intensity,%s,\n" % (t, r["intensity.actual"]))
	            if sys.argv[3] == "uk-eso-recent":
	                # fetched after the window: taken as issued at its start
	                f.write("%s,GB,carbon_intensity,%s,%s\n" % (
	                    t, r["intensity.forecast"], iso(rows[0]["from"])))
	    if sys.argv[3] == "uk-eso":
	        path = sys.argv[1] + "/national_fw48h_2023-03-16T1201Z.csv"
	        for r in csv.DictReader(open(path)):
	            f.write("%s,GB,carbon_intensity,%s,2023-03-16T12:01:00Z\n" % (
	                iso(r["from"]), r["intensity.forecast"]))
	PY
}

uk_eso() {
	uk=$data/feeds/uk-carbon-intensity
	[ -d "$uk" ] || { echo "UK ESO: no recorded responses"; return; }
	# the one true vintage: the 48 h forecast fetched 2023-03-16 12:01Z,
	# scored from the next midnight (leads 12 to 48 h from its issue)
	uk_eso_csv uk-eso
	provider_backtest uk-eso GB "UK ESO national, day-ahead" \
		--from 2023-03-17T00:00:00Z --to 2023-03-17T00:00:01Z \
		--horizon PT36H
	# the forecasts the pt24h responses show for past half-hours, fetched
	# after the window: near-time forecasts of unknown lead
	uk_eso_csv uk-eso-recent
	provider_backtest uk-eso-recent GB "UK ESO national, near-time" \
		--from 2023-03-15T12:00:00Z --to 2023-03-19T12:00:00Z \
		--horizon PT24H --step PT12H
}

watttime() {
	wt=$data/watttime
	[ -d "$wt" ] || { echo "WattTime: no recorded data"; return; }
	python3 - "$wt" "$work/watttime.csv" <<-\PY
	import csv, sys
	d = sys.argv[1] + "/watttime2023_caiso-north_"
	iso = lambda s: s.replace(" ", "T") + "Z"
	with open(sys.argv[2], "w") as f:
	    f.write("time,zone,signal,value,issued\n")
	    for r in csv.DictReader(open(d + "actual.csv")):
	        f.write("%s,CAISO_NORTH,carbon_intensity,%s,\n" % (iso(r["time"]), r["Caiso_North"]))
	    for r in csv.DictReader(open(d + "forecast.csv")):
	        f.write("%s,CAISO_NORTH,carbon_intensity,%s,%s\n" % (
	            iso(r["forecast_time"]), r["Caiso_North"], iso(r["request_time"])))
	PY
	provider_backtest watttime CAISO_NORTH "WattTime MOER CAISO_NORTH" \
		--from 2023-06-09T00:00:00Z --to 2023-07-08T00:00:00Z \
		--horizon PT1H --step PT1H
}

{
	echo "Forecast benchmark (timings taken on a shared, loaded machine)"
	echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "machine: $(nproc) cpus, $(sed -n 's/^model name[[:space:]]*: //p' \
		/proc/cpuinfo | head -n 1); $(uname -sr)"
	echo
	accuracy
	echo
	speed
	echo
	echo "Provider forecasts against their actuals, same backtest scorer:"
	echo "UK ESO day-ahead: the 48 h forecast issued 2023-03-16 12:01Z, one"
	echo "issue at 2023-03-17 00:00Z over 36 h (seasonal naive has under 14 days"
	echo "of history there); UK ESO near-time: the pt24h responses of"
	echo "2023-03-14..19, each window's forecast taken as issued at its start,"
	echo "issues every 12 h over 24 h; WattTime: 5-minute MOER,"
	echo "forecasts 5..60 min ahead issued every 5 min, issues hourly over 1 h"
	uk_eso
	watttime
} >"$report"
cat "$report"
