#!/bin/sh
# Two ingests of the same feeds at once (two cron jobs overlapping): both
# succeed, the store holds each point once, and between them they count
# every point as new exactly once.
. "$(dirname "$0")/../lib.sh"

cp "$FIX/ingest/CISO-2021-06-01-07.csv" ciso.csv
cp "$FIX/ingest/CISO-weather-2021-06-01-07.csv" weather.csv
cat >feeds.json <<\EOF
{"feeds": [
  {"name": "ciso", "kind": "csv", "url": "ciso.csv", "zone": "CISO"},
  {"name": "wx", "kind": "csv", "url": "weather.csv", "zone": "CISO"}
]}
EOF

test_expect_success 'two ingests of the same feeds at once both succeed' '
	$GS ingest --feeds feeds.json >out1 2>err1 &
	p1=$! &&
	$GS ingest --feeds feeds.json >out2 2>err2 &
	p2=$! &&
	wait $p1 && wait $p2 &&
	test_cmp /dev/null out1 &&
	test_cmp /dev/null out2 &&
	test_grep "^ciso: 1512 points: [0-9]+ new, 0 updated, 0 rejected, " err1 &&
	test_grep "^ciso: 1512 points: [0-9]+ new, 0 updated, 0 rejected, " err2 &&
	! grep -v -E "^(ciso: 1512|wx: 840) points: " err1 err2
'

test_expect_success 'each point is new exactly once and stored once' '
	sed -n "s/^ciso: 1512 points: \([0-9]*\) new.*/\1/p" err1 err2 >n &&
	test $(($(sed -n 1p n) + $(sed -n 2p n))) -eq 1512 &&
	sed -n "s/^wx: 840 points: \([0-9]*\) new.*/\1/p" err1 err2 >n &&
	test $(($(sed -n 1p n) + $(sed -n 2p n))) -eq 840 &&
	$GS series --forecasts >all &&
	test $(wc -l <all) -eq $((1 + 1512 + 840)) &&
	cut -d, -f1-3,5,6 all | sort | uniq -d >dups &&
	test_cmp /dev/null dups
'

test_expect_success 'three ingests and a reader racing to create a new store, ten times' '
	for round in 1 2 3 4 5 6 7 8 9 10; do
		rm -f race.db race.db-wal race.db-shm &&
		$GS ingest --db race.db -q --feeds feeds.json 2>e1 & p1=$!
		$GS ingest --db race.db -q --feeds feeds.json 2>e2 & p2=$!
		$GS ingest --db race.db -q --feeds feeds.json 2>e3 & p3=$!
		for p in $p1 $p2 $p3; do
			wait $p || { echo "round $round: ingest exit $?"; cat e1 e2 e3; return 1; }
		done &&
		test_cmp /dev/null e1 && test_cmp /dev/null e2 &&
		test_cmp /dev/null e3 &&
		test $($GS series --db race.db --forecasts | wc -l) -eq $((1 + 1512 + 840)) ||
		return 1
	done
'

# A provider forecast without an issue time (UK ESO) gets the request time:
# two overlapping runs that fetched it seconds apart must store it once.
# The repeated-vintage check runs inside the write transaction, so the
# second run, waiting for the lock, sees the first one's vintage.
cp "$FIX/ingest/uk-carbon-intensity/national_pt24h_2023-03-16T1201Z.json" uk.json
cat >uk-feeds.json <<\EOF
{"feeds": [{"name": "uk", "kind": "uk-carbon-intensity", "zone": "GB",
  "url": "uk.json"}]}
EOF
cat >one.csv <<\EOF
time,zone,signal,value
2023-03-16T00:00:00Z,XX,carbon_intensity,1
EOF
echo '{"feeds": [{"name": "one", "kind": "csv", "url": "one.csv"}]}' >one-feeds.json

test_expect_success 'a forecast fetched by two runs waiting on the write lock is stored once' '
	expect_code 0 $GS ingest --db uk.db --no-forecast --feeds one-feeds.json &&
	python3 -c "
import sqlite3, time, os
c = sqlite3.connect(\"uk.db\", isolation_level=None)
c.execute(\"BEGIN IMMEDIATE\")
open(\"locked\", \"w\").close()
while not os.path.exists(\"go\"):
    time.sleep(0.05)
time.sleep(0.5)
c.execute(\"COMMIT\")
" &
	holder=$! &&
	while [ ! -e locked ]; do sleep 0.05; done &&
	$GS ingest --db uk.db --no-forecast --feeds uk-feeds.json >o1 2>e1 &
	p1=$! &&
	sleep 1.2 &&
	$GS ingest --db uk.db --no-forecast --feeds uk-feeds.json >o2 2>e2 &
	p2=$! &&
	sleep 1 &&
	touch go &&
	wait $holder && wait $p1 && wait $p2 &&
	cat e1 e2 &&
	test $(sql uk.db "SELECT count(*) FROM vintage") -eq 1 &&
	test $(sql uk.db "SELECT count(DISTINCT issued) FROM vintage") -eq 1
'

test_done
