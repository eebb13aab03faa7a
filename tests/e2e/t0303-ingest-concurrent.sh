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

test_done
