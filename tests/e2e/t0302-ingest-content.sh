#!/bin/sh
# What ingest does with the content of a feed: long form with units,
# DST-day offsets, duplicates, and invalid files (exit 1, the position in
# the message, nothing of that feed stored); and FEEDS.json mistakes.
. "$(dirname "$0")/../lib.sh"

# one csv feed per file name given: feed NAME reads NAME.csv
feeds() {
	{
		echo '{"feeds": ['
		sep=
		for n in "$@"; do
			printf '%s  {"name": "%s", "kind": "csv", "url": "%s.csv", "zone": "Z"}' \
				"$sep" "$n" "$n"
			sep=',
'
		done
		printf '\n]}\n'
	} >feeds.json
}

test_expect_success 'long form: units are converted to the stored ones' '
	cat >long.csv <<-\EOF &&
	time,zone,signal,value,unit
	2021-06-01T00:00:00Z,PJM,carbon_intensity,1000,lb/MWh
	2021-06-01T01:00:00Z,PJM,carbon_intensity,0.4,tCO2/MWh
	2021-06-01T00:00:00Z,PJM,temperature,95,degF
	2021-06-01T00:00:00Z,PJM,wind_speed,36,km/h
	2021-06-01T00:00:00Z,PJM,load,1500,kW
	2021-06-01T00:00:00Z,DE,price,0.0815,EUR/kWh
	2021-06-01T00:00:00Z,gpu-site,busy_gpu,12,
	EOF
	feeds long &&
	expect_code 0 $GS ingest --feeds feeds.json &&
	echo "long: 7 points: 7 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	expect_code 0 $GS series &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2021-06-01T00:00:00Z,DE,price,81.5
	2021-06-01T00:00:00Z,PJM,carbon_intensity,453.59237
	2021-06-01T01:00:00Z,PJM,carbon_intensity,400
	2021-06-01T00:00:00Z,PJM,load,1.5
	2021-06-01T00:00:00Z,PJM,temperature,35
	2021-06-01T00:00:00Z,PJM,wind_speed,10
	2021-06-01T00:00:00Z,gpu-site,busy_gpu,12
	EOF
	test_cmp expect out
'

test_expect_success 'an unknown unit is invalid input naming line and column' '
	printf "time,zone,signal,value,unit\n2021-06-01T00:00:00Z,X,load,5,MWh\n" >unit.csv &&
	feeds unit &&
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''unit'\'': unit.csv:2:31: unknown unit '\''MWh'\'' for signal '\''load'\'' (want MW, kW, GW)" >expect &&
	test_cmp expect err &&
	$GS series --zone X >actual &&
	test $(wc -l <actual) -eq 1
'

test_expect_success 'times with offsets (a DST day) are stored in UTC' '
	cat >dst.csv <<-\EOF &&
	time,carbon_intensity
	2021-03-28T00:00:00+01:00,300
	2021-03-28T01:00:00+01:00,301
	2021-03-28T03:00:00+02:00,302
	2021-03-28T04:00:00+02:00,303
	EOF
	feeds dst &&
	expect_code 0 $GS ingest --feeds feeds.json &&
	expect_code 0 $GS series --zone Z &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2021-03-27T23:00:00Z,Z,carbon_intensity,300
	2021-03-28T00:00:00Z,Z,carbon_intensity,301
	2021-03-28T01:00:00Z,Z,carbon_intensity,302
	2021-03-28T02:00:00Z,Z,carbon_intensity,303
	EOF
	test_cmp expect out
'

test_expect_success 'duplicate rows: the later wins, with one warning' '
	cat >dup.csv <<-\EOF &&
	time,zone,signal,value
	2021-06-01T00:00:00Z,D,load,1
	2021-06-01T01:00:00Z,D,load,2
	2021-06-01T00:00:00Z,D,load,3
	2021-06-01T02:00:00+01:00,D,load,4
	EOF
	feeds dup &&
	expect_code 0 $GS ingest --feeds feeds.json &&
	echo "dup: 2 points: 2 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	echo "greenslot: warning: feed '\''dup'\'': 2 duplicate rows; the later ones were kept" >expect &&
	test_cmp expect err &&
	$GS series --zone D >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2021-06-01T00:00:00Z,D,load,3
	2021-06-01T01:00:00Z,D,load,4
	EOF
	test_cmp expect actual
'

test_expect_success 'a bad number: exit 1, FILE:LINE:COL, nothing of the feed stored' '
	mkdir -p sub &&
	{ sed -n 1,5p "$FIX/ingest/CISO-2021-06-01-07.csv" &&
	  echo "2021-06-01T04:00:00Z,12x,19,10055,2278,81,1818,8844,1392,0"; } >sub/bad.csv &&
	cat >sub/feeds.json <<-\EOF &&
	{"feeds": [{"name": "bad", "kind": "csv", "url": "bad.csv", "zone": "BAD"}]}
	EOF
	expect_code 1 $GS ingest --feeds sub/feeds.json &&
	echo "greenslot: feed '\''bad'\'': sub/bad.csv:6:22: column '\''carbon_intensity'\'': invalid number '\''12x'\''" >expect &&
	test_cmp expect err &&
	test_cmp /dev/null out &&
	$GS series --zone BAD >actual &&
	echo time,zone,signal,value >expect &&
	test_cmp expect actual
'

test_expect_success 'more invalid files, each with its position' '
	printf "time,carbon_intensity\n2021-06-01T00:00:00,1\n" >noofs.csv &&
	printf "time,carbon_intensity,co2\n" >unknown.csv &&
	printf "time,zone,signal,value\n2021-06-01T00:00:00Z,Z,load,1\n2021-06-01T01:00:00Z,Z" >cut.csv &&
	printf "time,carbon_intensity\n2021-06-01T00:00:00Z,NaN\n" >nan.csv &&
	printf "time,zone,signal,value\n2021-06-01T00:00:00Z,Z,power,1\n" >sig.csv &&
	printf "time,carbon_intensity\n\"2021-06-01T00:00:00Z,1\n" >quote.csv &&
	cat >expect <<-\EOF &&
	noofs.csv:2:1: column '\''time'\'': invalid time '\''2021-06-01T00:00:00'\'' (want RFC 3339 with an offset)
	unknown.csv:1:23: unknown column '\''co2'\''
	cut.csv:3:22: truncated last line: 2 of 4 fields
	nan.csv:2:22: column '\''carbon_intensity'\'': invalid number '\''NaN'\''
	sig.csv:2:24: unknown signal '\''power'\''
	quote.csv:2:1: unterminated quoted field
	EOF
	for f in noofs unknown cut nan sig quote; do
		feeds $f &&
		expect_code 1 $GS ingest --feeds feeds.json &&
		sed "s/^greenslot: feed .[a-z]*.: //" err || return 1
	done >actual &&
	test_cmp expect actual
'

test_expect_success 'every feed is tried; invalid content is exit 1' '
	printf "time,load\n2021-06-02T00:00:00Z,7\n" >ok.csv &&
	feeds nan ok &&
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "ok: 1 points: 1 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test_grep "^greenslot: feed .nan.: nan.csv:2:22: " err
'

test_expect_success 'a missing file is a fetch failure (exit 1)' '
	feeds missing &&
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''missing'\'': cannot read '\''missing.csv'\'': No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'FEEDS.json: unknown keys and bad values point at FILE:LINE:COL' '
	cat >f1.json <<-\EOF &&
	{"feeds": [
	  {"name": "a", "kind": "csv", "url": "a.csv",
	   "zones": "X"}
	]}
	EOF
	expect_code 2 $GS ingest --feeds f1.json &&
	echo "greenslot: f1.json:3:4: unknown key '\''zones'\'' in feed '\''a'\''" >expect &&
	test_cmp expect err &&
	cat >f2.json <<-\EOF &&
	{"feeds": [{"name": "a", "kind": "csv", "url": "a.csv", "retries": -1}]}
	EOF
	expect_code 2 $GS ingest --feeds f2.json &&
	echo "greenslot: f2.json:1:68: '\''retries'\'' must be an integer from 0 to 10 in feed '\''a'\''" >expect &&
	test_cmp expect err &&
	printf "{\"feeds\": [\n" >f3.json &&
	expect_code 2 $GS ingest --feeds f3.json &&
	test_grep "^greenslot: f3.json:2:1: invalid JSON: .*expected" err &&
	expect_code 2 $GS ingest --feeds nope.json &&
	test_grep "^greenslot: cannot read '\''nope.json'\''" err
'

test_expect_success '"price_floor": lower prices are rejected and counted' '
	cat >pf.csv <<-\EOF &&
	time,price
	2021-06-01T00:00:00Z,-150
	2021-06-01T01:00:00Z,-151
	2021-06-01T02:00:00Z,40
	EOF
	cat >feeds.json <<-\EOF &&
	{"feeds": [{"name": "pf", "kind": "csv", "url": "pf.csv", "zone": "CISO",
	  "price_floor": -150}]}
	EOF
	expect_code 0 $GS ingest --db pf.db --feeds feeds.json &&
	echo "pf: 2 points: 2 new, 0 updated, 1 rejected" >expect &&
	test_cmp expect feeds &&
	expect_code 0 $GS series --db pf.db --signal price &&
	! grep -e -151 out &&
	test_grep ",-150$" out
'

test_done
