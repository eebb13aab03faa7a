#!/bin/sh
# ingest of the generic series CSV from files (a plain path relative to
# FEEDS.json and a file:// url), `series` against the source file, and
# re-ingesting the same data changing nothing.
. "$(dirname "$0")/../lib.sh"

mkdir -p conf/data
cp "$FIX/ingest/CISO-2021-06-01-07.csv" conf/data/ciso.csv
cp "$FIX/ingest/CISO-weather-2021-06-01-07.csv" weather.csv
cat >conf/feeds.json <<EOF
{"feeds": [
  {"name": "ciso", "kind": "csv", "url": "data/ciso.csv", "zone": "CISO"},
  {"name": "ciso-wx", "kind": "csv", "zone": "CISO",
   "url": "file://$TEST_DIR/weather.csv"}
]}
EOF

# expected series from the source files (CRLF line ends, as the shared
# data has them): value columns by header name
expect_wide() { # file signal [feed of forecasts]
	awk -F, -v sig="$2" -v fc="${3:-}" '
		{ sub(/\r$/, "") }
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col[sig] != "" {
			printf "%s,CISO,%s,%.15g", $1, sig, $col[sig]
			if (fc) printf ",%s,%s", $col["issued"], fc
			printf "\n"
		}' "$1"
}

test_expect_success 'ingest reads a plain path and a file:// url' '
	expect_code 0 $GS ingest --feeds conf/feeds.json &&
	cat >expect <<-\EOF &&
	ciso: 1512 points: 1512 new, 0 updated, 0 rejected
	ciso-wx: 840 points: 840 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	test_cmp /dev/null err
'

test_expect_success 'series prints the recorded values of the source file' '
	expect_code 0 $GS series --signal carbon_intensity &&
	{ echo time,zone,signal,value &&
	  expect_wide conf/data/ciso.csv carbon_intensity; } >expect &&
	test_cmp expect out &&
	test $(wc -l <out) -eq 169
'

test_expect_success 'wide columns become signals, sorted by signal then time' '
	expect_code 0 $GS series --zone CISO &&
	{ echo time,zone,signal,value &&
	  for s in carbon_intensity generation_coal generation_hydro \
		generation_nat_gas generation_nuclear generation_oil \
		generation_other generation_solar generation_wind; do
		expect_wide conf/data/ciso.csv $s || exit 1
	  done; } >expect &&
	test_cmp expect out &&
	cp out series.1
'

test_expect_success 'rows with issued are forecasts, kept apart from recorded values' '
	expect_code 0 $GS series --signal temperature &&
	echo time,zone,signal,value >expect &&
	test_cmp expect out &&
	expect_code 0 $GS series --forecasts --signal temperature &&
	{ echo time,zone,signal,value,issued,source &&
	  expect_wide weather.csv temperature ciso-wx; } >expect &&
	test_cmp expect out
'

test_expect_success 'series --forecasts names the feed of recorded rows' '
	expect_code 0 $GS series --forecasts --signal carbon_intensity \
		--from 2021-06-03T00:00:00Z --to 2021-06-03T02:00:00Z &&
	cat >expect <<-\EOF &&
	time,zone,signal,value,issued,source
	2021-06-03T00:00:00Z,CISO,carbon_intensity,151.61,,ciso
	2021-06-03T01:00:00Z,CISO,carbon_intensity,175.26,,ciso
	EOF
	test_cmp expect out
'

test_expect_success 'ingesting the same data again changes nothing' '
	expect_code 0 $GS ingest --feeds conf/feeds.json &&
	cat >expect <<-\EOF &&
	ciso: 1512 points: 0 new, 0 updated, 0 rejected
	ciso-wx: 840 points: 0 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	expect_code 0 $GS series --zone CISO &&
	test_cmp series.1 out
'

test_expect_success 'a changed value is stored and counted' '
	sed "s/^2021-06-03T00:00:00Z,151.61,/2021-06-03T00:00:00Z,151.5,/" \
		conf/data/ciso.csv >conf/data/new.csv &&
	mv conf/data/new.csv conf/data/ciso.csv &&
	expect_code 0 $GS ingest --feeds conf/feeds.json --feed ciso &&
	echo "ciso: 1512 points: 0 new, 1 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	$GS series --signal carbon_intensity --from 2021-06-03T00:00:00Z \
		--to 2021-06-03T01:00:00Z >out &&
	test_grep "^2021-06-03T00:00:00Z,CISO,carbon_intensity,151.5$" out
'

test_expect_success '--feed selects feeds; an unknown one is a usage error' '
	expect_code 0 $GS ingest -q --feeds conf/feeds.json --feed ciso-wx &&
	test_cmp /dev/null out &&
	expect_code 2 $GS ingest --feeds conf/feeds.json --feed nope &&
	echo "greenslot: unknown feed '\''nope'\'' in '\''conf/feeds.json'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'explicit --from/--to drop the rows outside the window' '
	expect_code 0 $GS ingest --db window.db --feeds conf/feeds.json \
		--feed ciso --from 2021-06-02T00:00:00Z \
		--to 2021-06-03T00:00:00Z &&
	echo "ciso: 216 points: 216 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	$GS series --db window.db --signal carbon_intensity >out &&
	sed -n "2p;\$p" out >actual &&
	cat >expect <<-\EOF &&
	2021-06-02T00:00:00Z,CISO,carbon_intensity,172.97
	2021-06-02T23:00:00Z,CISO,carbon_intensity,147.15
	EOF
	test_cmp expect actual
'

test_expect_success 'series filters by zone, signal and time' '
	expect_code 0 $GS series --zone NOPE &&
	echo time,zone,signal,value >expect &&
	test_cmp expect out &&
	expect_code 0 $GS series --signal load &&
	test_cmp expect out &&
	expect_code 0 $GS series --zone CISO --signal generation_wind \
		--signal generation_solar --from 2021-06-07T22:00:00Z &&
	test $(wc -l <out) -eq 5 &&
	expect_code 2 $GS series --signal co2 &&
	echo "greenslot: unknown signal '\''co2'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'ingest without --feeds, or with --from after --to, is misuse' '
	expect_code 2 $GS ingest &&
	test_grep "needs --feeds" err &&
	expect_code 2 $GS ingest --feeds conf/feeds.json \
		--from 2021-06-03T00:00:00Z --to 2021-06-02T00:00:00Z &&
	test_grep "before --to" err
'

test_done
