#!/bin/sh
# After an ingest that brought new live data, greenslot's forecasts of the
# zones concerned are refreshed (unless --no-forecast); a backfill of old
# data leaves them alone.  The live series is real CISO data (the week of
# tests/fixtures/ingest/CISO-2021-06-01-07.csv) moved to end at this hour.
. "$(dirname "$0")/../lib.sh"

now=$(date -u +%s)
hour=$((now / 3600 * 3600))
python3 - "$FIX/ingest/CISO-2021-06-01-07.csv" $hour >live.csv <<\PY
import csv, sys, datetime as dt
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
end = int(sys.argv[2])
start = end - 3600 * (len(rows) - 1)
print("time,carbon_intensity")
for i, r in enumerate(rows):
    t = dt.datetime.fromtimestamp(start + 3600 * i, dt.timezone.utc)
    print("%s,%s" % (t.strftime("%Y-%m-%dT%H:%M:%SZ"), r["carbon_intensity"]))
PY
cp "$FIX/ingest/CISO-2021-06-01-07.csv" old.csv
iso() { python3 -c "import datetime as d; print(d.datetime.fromtimestamp($1, d.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))"; }
# the forecast is issued at the hour the ingest runs in: this one, or the
# next if the clock crosses it meanwhile
at=$(iso $hour)
at_next=$(iso $((hour + 3600)))

cat >feeds.json <<\JSON
{"feeds": [
  {"name": "live", "kind": "csv", "url": "live.csv", "zone": "LIVE"},
  {"name": "old", "kind": "csv", "url": "old.csv", "zone": "OLD"}
]}
JSON

test_expect_success 'new live data refreshes the forecast of its zone' '
	expect_code 0 $GS ingest --feeds feeds.json &&
	test_grep "^live: 168 points: 168 new, 0 updated, 0 rejected$" feeds &&
	grep "^forecast" out >actual &&
	issued=$(sed -n "s/^forecast LIVE carbon_intensity: 48 points from //p" actual) &&
	test $(wc -l <actual) -eq 1 &&
	{ test "$issued" = "$at" || test "$issued" = "$at_next"; } &&
	$GS series --forecasts --zone LIVE | grep ",greenslot$" >fc &&
	test $(wc -l <fc) -eq 48 &&
	test "$(cut -d, -f5 fc | sort -u)" = "$issued"
'

test_expect_success 'old data (a backfill) is not forecast' '
	test $($GS series --forecasts --zone OLD | grep -c ",greenslot$") -eq 0
'

test_expect_success 'nothing new: no forecast refresh' '
	expect_code 0 $GS ingest --feeds feeds.json &&
	! grep -q "^forecast" out
'

test_expect_success '--no-forecast leaves the forecasts alone' '
	rm -f greenslot.db greenslot.db-wal greenslot.db-shm &&
	expect_code 0 $GS ingest --no-forecast --feeds feeds.json &&
	! grep -q "^forecast" out &&
	test $($GS series --forecasts --zone LIVE | grep -c ",greenslot$") -eq 0
'

test_done
