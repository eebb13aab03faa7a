#!/bin/sh
# ingest of feed kind uk-carbon-intensity over HTTP from tests/tools/
# fake-server: a real national response (actual as recorded values,
# forecast as a provider forecast issued at the request), the regional
# shapes of the API documentation stored per region as GB-<regionid>, the
# API's error body, and truncated JSON storing nothing.
. "$(dirname "$0")/../lib.sh"

UK=$FIX/ingest/uk-carbon-intensity
mkdir -p www/intensity/2023-03-16T12:01Z www/regional
cp "$UK/national_pt24h_2023-03-16T1201Z.json" \
	www/intensity/2023-03-16T12:01Z/pt24h
cp "$UK/regional_2023-03-16T1200Z_2023-03-16T1300Z.json" www/regional/all
cp "$UK/regional_regionid_13_fw24h.json" www/regional/13
cp "$UK/error_400.json" www/error
head -c 700 "$UK/national_pt24h_2023-03-16T1201Z.json" >www/cut.json

start_fake_server www
# the window of the recorded response: GET /intensity/2023-03-16T12:01Z/pt24h
WINDOW="--from 2023-03-15T12:00:00Z --to 2023-03-16T12:01:00Z"

# feeds.json from "name zone path" lines on stdin
feeds() {
	{
		echo '{"feeds": ['
		sep=
		while read -r name zone path; do
			printf '%s  {"name": "%s", "kind": "uk-carbon-intensity", ' \
				"$sep" "$name"
			printf '"zone": "%s", "url": "%s%s"}' "$zone" "$URL" "$path"
			sep=',
'
		done
		printf '\n]}\n'
	} >feeds.json
}

# series output with the issue time of forecasts (the time of the request,
# unknown to the test) checked and replaced by ISSUED
mask_issued() {
	sed -E 's/,[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z,([a-z0-9-]+)$/,ISSUED,\1/' "$@"
}

test_expect_success 'the national response lands: 48 actual, 48 forecast' '
	feeds <<-\EOF &&
	gb GB /intensity/{to:%Y-%m-%dT%H:%MZ}/pt24h
	EOF
	expect_code 0 $GS ingest --feeds feeds.json $WINDOW &&
	echo "gb: 96 points: 96 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test_cmp /dev/null err &&
	test_grep "^GET /intensity/2023-03-16T12:01Z/pt24h HTTP/1.1$" requests.log
'

test_expect_success 'actual values are recorded values at the start of each half-hour' '
	expect_code 0 $GS series --zone GB &&
	test $(wc -l <out) -eq 49 &&
	expect_code 0 $GS series --zone GB \
		--from 2023-03-15T12:00:00Z --to 2023-03-15T13:30:00Z &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2023-03-15T12:00:00Z,GB,carbon_intensity,202
	2023-03-15T12:30:00Z,GB,carbon_intensity,203
	2023-03-15T13:00:00Z,GB,carbon_intensity,206
	EOF
	test_cmp expect out &&
	expect_code 0 $GS series --zone GB --from 2023-03-16T11:00:00Z &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2023-03-16T11:00:00Z,GB,carbon_intensity,99
	2023-03-16T11:30:00Z,GB,carbon_intensity,98
	EOF
	test_cmp expect out
'

test_expect_success 'forecast values are a provider forecast issued at the request' '
	expect_code 0 $GS series --forecasts --zone GB \
		--from 2023-03-16T11:00:00Z &&
	mask_issued out >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value,issued,source
	2023-03-16T11:00:00Z,GB,carbon_intensity,98,ISSUED,gb
	2023-03-16T11:30:00Z,GB,carbon_intensity,99,ISSUED,gb
	2023-03-16T11:00:00Z,GB,carbon_intensity,99,,gb
	2023-03-16T11:30:00Z,GB,carbon_intensity,98,,gb
	EOF
	sort expect >expect.sorted && sort actual >actual.sorted &&
	test_cmp expect.sorted actual.sorted &&
	expect_code 0 $GS series --forecasts --zone GB &&
	test $(grep -c ",gb\$" out) -eq 96 &&
	test $(grep -c ",,gb\$" out) -eq 48 &&
	grep -v ",,gb\$" out | sed 1d | mask_issued | cut -d, -f4 >fc &&
	test $(wc -l <fc) -eq 48 &&
	test "$(head -1 fc)" = 217 &&
	$GS series --zone GB >series.1 &&
	$GS series --forecasts --zone GB >forecasts.1
'

test_expect_success 'a second run changes nothing: the same forecast is no new vintage' '
	sleep 1 &&
	expect_code 0 $GS ingest --feeds feeds.json $WINDOW &&
	echo "gb: 96 points: 0 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	$GS series --zone GB >series.2 &&
	test_cmp series.1 series.2 &&
	$GS series --forecasts --zone GB >forecasts.2 &&
	test_cmp forecasts.1 forecasts.2
'

test_expect_success 'one changed forecast value: the new vintage is stored whole' '
	sleep 1 &&
	f=www/intensity/2023-03-16T12:01Z/pt24h &&
	sed "0,/\"forecast\": 217/s//\"forecast\": 216/" $f >changed &&
	! cmp -s $f changed &&
	cp $f saved && cp changed $f &&
	expect_code 0 $GS ingest --feeds feeds.json $WINDOW &&
	cp saved $f &&
	echo "gb: 96 points: 48 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	expect_code 0 $GS series --forecasts --zone GB &&
	test $(grep -c ",gb\$" out) -eq 144 &&
	test $(grep -v ",,gb\$" out | sed 1d | cut -d, -f5 | sort -u | wc -l) -eq 2
'

test_expect_success 'regional forecasts go to GB-<regionid>' '
	feeds <<-\EOF &&
	regions GB /regional/all
	EOF
	expect_code 0 $GS ingest --feeds feeds.json &&
	echo "regions: 36 points: 36 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	expect_code 0 $GS series --forecasts --zone GB-13 --zone GB-1 \
		--zone GB-18 &&
	mask_issued out >actual &&
	cat >expect <<-\EOF &&
	2023-03-16T12:00:00Z,GB-1,carbon_intensity,0,ISSUED,regions
	2023-03-16T12:00:00Z,GB-13,carbon_intensity,163,ISSUED,regions
	2023-03-16T12:00:00Z,GB-18,carbon_intensity,218,ISSUED,regions
	2023-03-16T12:30:00Z,GB-1,carbon_intensity,0,ISSUED,regions
	2023-03-16T12:30:00Z,GB-13,carbon_intensity,166,ISSUED,regions
	2023-03-16T12:30:00Z,GB-18,carbon_intensity,221,ISSUED,regions
	time,zone,signal,value,issued,source
	EOF
	sort actual >actual.sorted &&
	test_cmp expect actual.sorted &&
	expect_code 0 $GS series --zone GB-13 &&
	echo time,zone,signal,value >expect &&
	test_cmp expect out
'

test_expect_success 'a feed of zone GB-13 keeps region 13 only' '
	feeds <<-\EOF &&
	london GB-13 /regional/all
	london-fw GB-13 /regional/13
	EOF
	expect_code 0 $GS ingest --feeds feeds.json &&
	cat >expect <<-\EOF &&
	london: 2 points: 2 new, 0 updated, 0 rejected
	london-fw: 3 points: 3 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	expect_code 0 $GS series --forecasts --zone GB-13 &&
	grep -c ",london-fw\$" out >n &&
	echo 3 >expect && test_cmp expect n &&
	test_grep "^2023-03-16T13:00:00Z,GB-13,carbon_intensity,175,[^,]+,london-fw\$" out
'

test_expect_success 'the API error body is an error naming its message (exit 1)' '
	feeds <<-\EOF &&
	bad GB /error
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''bad'\'': $URL/error:2:12: the carbon intensity API answered '\''400 Bad Request'\'': Please enter a valid ISO 8601 date, e.g. 2017-08-25T12:35Z" >expect &&
	test_cmp expect err &&
	test_cmp /dev/null out
'

test_expect_success 'an HTTP 400 is a fetch failure (exit 1)' '
	feeds <<-\EOF &&
	bad GB /status/400/intensity
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	test_grep "^greenslot: feed .bad.: cannot fetch .*: HTTP status 400$" err
'

test_expect_success 'truncated JSON stores nothing (exit 1, also when cut off in transfer)' '
	feeds <<-\EOF &&
	cut CUT /cut.json
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	test_grep "^greenslot: feed .cut.: $URL/cut.json:[0-9]+:[0-9]+: invalid JSON: " err &&
	feeds <<-\EOF &&
	cut CUT /truncate/regional/all
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	test_grep "cannot fetch .*: response cut off before its end" err &&
	expect_code 0 $GS series --forecasts --zone CUT &&
	echo time,zone,signal,value,issued,source >expect &&
	test_cmp expect out &&
	$GS series --forecasts --zone GB >forecasts.3 &&
	$GS series --zone GB >series.3 &&
	test_cmp series.1 series.3
'

test_done
