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
	test_cmp /dev/null err1 &&
	test_cmp /dev/null err2 &&
	test_grep "^ciso: 1512 points, [0-9]+ new or changed$" out1 &&
	test_grep "^ciso: 1512 points, [0-9]+ new or changed$" out2
'

test_expect_success 'each point is new exactly once and stored once' '
	sed -n "s/^ciso: 1512 points, \([0-9]*\) new.*/\1/p" out1 out2 >n &&
	test $(($(sed -n 1p n) + $(sed -n 2p n))) -eq 1512 &&
	sed -n "s/^wx: 840 points, \([0-9]*\) new.*/\1/p" out1 out2 >n &&
	test $(($(sed -n 1p n) + $(sed -n 2p n))) -eq 840 &&
	$GS series --forecasts >all &&
	test $(wc -l <all) -eq $((1 + 1512 + 840)) &&
	cut -d, -f1-3,5,6 all | sort | uniq -d >dups &&
	test_cmp /dev/null dups
'

test_done
