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

# Zone-less feeds: a long-form CSV of two zones, and a UK regional
# response (the zones GB-13 and GB-14 come from the response).  Refreshed
# are the zones that got new or changed points, not the feed's zone.
python3 - $hour <<\PY
import json, math, sys, datetime as dt
end = int(sys.argv[1])
def iso(t, fmt="%Y-%m-%dT%H:%M:%SZ"):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime(fmt)
def ci(i, base):
    return round(base + 60 * math.sin(2 * math.pi * (i % 24) / 24), 1)
with open("two.csv", "w") as f:
    print("time,zone,signal,value", file=f)
    for z, base in (("LIVE-A", 200), ("LIVE-B", 300)):
        for i in range(168):
            print("%s,%s,carbon_intensity,%s" % (iso(end - 3600 * (167 - i)), z,
                  ci(i, base)), file=f)
data = []
for i in range(336):
    t = end - 1800 * (336 - i)
    data.append({"from": iso(t, "%Y-%m-%dT%H:%MZ"),
                 "to": iso(t + 1800, "%Y-%m-%dT%H:%MZ"),
                 "regions": [{"regionid": r, "intensity":
                              {"forecast": ci(i // 2, b), "actual": ci(i // 2, b)}}
                             for r, b in ((13, 150), (14, 250))]})
json.dump({"data": data}, open("regional.json", "w"))
PY
cat >zoneless.json <<\JSON
{"feeds": [
  {"name": "two", "kind": "csv", "url": "two.csv"},
  {"name": "regional", "kind": "uk-carbon-intensity", "url": "regional.json"}
]}
JSON

test_expect_success 'zone-less feeds: the zones of their points are refreshed' '
	expect_code 0 $GS ingest --db zl.db --feeds zoneless.json &&
	test_grep "^two: 336 points: 336 new, 0 updated, 0 rejected$" feeds &&
	sed -n "s/^forecast \([^ ]*\) carbon_intensity: [0-9]* points from .*/\1/p" out >actual &&
	printf "%s\n" GB-13 GB-14 LIVE-A LIVE-B >expect &&
	sort actual | test_cmp expect -
'

test_expect_success 'only the zone whose points changed is refreshed' '
	sed "\$s/,[0-9.]*\$/,999/" two.csv >two.new && mv two.new two.csv &&
	tail -n 1 two.csv | grep -q "^.*,LIVE-B,carbon_intensity,999$" &&
	expect_code 0 $GS ingest --db zl.db --feeds zoneless.json --feed two &&
	test_grep "^two: 336 points: 0 new, 1 updated, 0 rejected$" feeds &&
	grep "^forecast" out >actual &&
	test $(wc -l <actual) -eq 1 &&
	test_grep "^forecast LIVE-B carbon_intensity: 48 points from " actual
'

test_done
