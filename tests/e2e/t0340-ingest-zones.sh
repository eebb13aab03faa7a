#!/bin/sh
# the zone catalog in url templates: a feed says "zone": "DE" and its url
# asks for {eic}, {emaps}, {lat}... (data/zones.csv, ingest/zones.c); the
# request that reaches tests/tools/fake-server carries the EIC code of
# the DE-LU bidding zone.  A zone without a value for a placeholder is a
# configuration error (exit 2) naming the feed, the placeholder and the
# zone, and nothing is fetched.
. "$(dirname "$0")/../lib.sh"

ENTSOE_TOKEN=t0k3n-zones-51c2
export ENTSOE_TOKEN
mkdir www
cp "$FIX/ingest/entsoe/A75-DE.xml" www/api || exit 1
start_fake_server www
Q='documentType=A75&processType=A16&in_Domain={eic}&securityToken={env:ENTSOE_TOKEN}&periodStart={from:%Y%m%d%H%M}&periodEnd={to:%Y%m%d%H%M}'

# feeds.json with one entsoe feed of zone $1 (a header asks for {emaps})
feeds() {
	cat >feeds.json <<-JSON
	{"feeds": [
	  {"name": "gen-$1", "kind": "entsoe", "zone": "$1", "retries": 0,
	   "url": "$URL/api?$Q", "headers": {"X-Zone": "{zone}:{emaps}"}}
	]}
	JSON
}

ingest() {
	expect_code "$1" $GS ingest --feeds feeds.json \
		--from 2023-06-01T00:00:00Z --to 2023-06-02T00:00:00Z
}

test_expect_success 'the fake server is up' '
	test_grep "^[0-9]+$" port
'

test_expect_success 'zone DE: {eic} expands to the DE-LU bidding zone' '
	feeds DE &&
	ingest 0 &&
	echo "gen-DE: 25 points: 25 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test_grep "^GET /api\?documentType=A75&processType=A16&in_Domain=10Y1001A1001A82H&securityToken=$ENTSOE_TOKEN&periodStart=202306010000&periodEnd=202306020000 HTTP/1.1$" requests.log &&
	test $(grep -c "^GET " requests.log) -eq 1 &&
	! grep -q "$ENTSOE_TOKEN" out err
'

test_expect_success 'the points went to zone DE' '
	$GS series --signal carbon_intensity >actual &&
	head -3 actual >first &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2023-06-01T00:00:00Z,DE,carbon_intensity,90.06557377049181
	2023-06-01T00:15:00Z,DE,carbon_intensity,97.70491803278688
	EOF
	test_cmp expect first
'

test_expect_success 'ingesting again changes nothing' '
	ingest 0 &&
	echo "gen-DE: 25 points: 0 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds
'

test_expect_success 'a zone without an EIC: exit 2 naming feed, placeholder and zone' '
	cp requests.log before.log &&
	feeds GB-13 &&
	ingest 2 &&
	test_grep "^greenslot: feed .gen-GB-13.: url .*in_Domain=\{eic\}.*: placeholder .\{eic\}.: zone .GB-13. has no value for it in the zone catalog$" err &&
	test_cmp before.log requests.log
'

test_expect_success 'a zone not in the catalog: exit 2, nothing fetched' '
	feeds XX-NOWHERE &&
	ingest 2 &&
	test_grep "placeholder .\{eic\}.: zone .XX-NOWHERE. is not in the zone catalog" err &&
	test_cmp before.log requests.log
'

test_expect_success 'an unknown placeholder is still refused when loading' '
	sed "s/{eic}/{eicc}/" feeds.json >bad.json &&
	mv bad.json feeds.json &&
	ingest 2 &&
	test_grep "unknown placeholder .\{eicc\}." err &&
	test_cmp before.log requests.log
'

test_done
