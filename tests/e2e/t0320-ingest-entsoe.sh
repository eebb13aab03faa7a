#!/bin/sh
# ingest of ENTSO-E Transparency Platform XML (feed kind "entsoe") over
# HTTP from tests/tools/fake-server: generation per production type with
# the carbon intensity of the mix (A75), day-ahead prices (A44), total
# load recorded and forecast (A65), the "no matching data"
# acknowledgement; malformed XML stores nothing.  The fixtures are written
# from the platform's documentation (tests/fixtures/ingest/entsoe).
. "$(dirname "$0")/../lib.sh"

ENTSOE_TOKEN=t0k3n-entsoe-9f8e
export ENTSOE_TOKEN
mkdir www
for f in A75-DE A44-DE_LU A65-DE-actual A65-DE-dayahead ack-no-data; do
	cp "$FIX/ingest/entsoe/$f.xml" www/$f.xml || exit 1
done
# malformed: a closing tag that does not match, nothing after it stored
sed '0,/<\/quantity>/s|</quantity>|</quantty>|' \
	www/A75-DE.xml >www/bad.xml

start_fake_server www
Q='securityToken={env:ENTSOE_TOKEN}&periodStart={from:%Y%m%d%H%M}&periodEnd={to:%Y%m%d%H%M}'

# writes feeds.json from "name file" lines on stdin
feeds() {
	{
		echo '{"feeds": ['
		sep=
		while read -r name file; do
			printf '%s  {"name": "%s", "kind": "entsoe", "zone": "DE", "retries": 0,\n' \
				"$sep" "$name"
			printf '   "url": "%s/%s?%s"}' "$URL" "$file" "$Q"
			sep=',
'
		done
		printf '\n]}\n'
	} >feeds.json
}

all_feeds() {
	feeds <<-EOF
	gen A75-DE.xml
	price A44-DE_LU.xml
	load A65-DE-actual.xml
	load-da A65-DE-dayahead.xml
	none ack-no-data.xml
	EOF
}

ingest() {
	expect_code "$1" $GS ingest --feeds feeds.json \
		--from 2023-06-01T00:00:00Z --to 2023-06-02T00:00:00Z
}

test_expect_success 'the fake server is up' '
	test_grep "^[0-9]+$" port
'

test_expect_success 'A75, A44, A65 and an acknowledgement land' '
	all_feeds &&
	ingest 0 &&
	cat >expect <<-\EOF &&
	gen: 25 points: 25 new, 0 updated, 0 rejected
	price: 4 points: 4 new, 0 updated, 0 rejected
	load: 4 points: 4 new, 0 updated, 0 rejected
	load-da: 3 points: 3 new, 0 updated, 0 rejected
	none: 0 points: 0 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	test_grep "^GET /A75-DE.xml\?securityToken=$ENTSOE_TOKEN&periodStart=202306010000&periodEnd=202306020000 " requests.log &&
	! grep -q "$ENTSOE_TOKEN" out err
'

test_expect_success 'carbon intensity of the mix, only where the mix is whole' '
	$GS series --signal carbon_intensity >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2023-06-01T00:00:00Z,DE,carbon_intensity,90.06557377049181
	2023-06-01T00:15:00Z,DE,carbon_intensity,97.70491803278688
	2023-06-01T00:30:00Z,DE,carbon_intensity,105.08943089430895
	2023-06-01T00:45:00Z,DE,carbon_intensity,112.8780487804878
	EOF
	test_cmp expect actual
'

test_expect_success 'generation per fuel: A03 positions expanded, pumping skipped' '
	$GS series --signal generation_solar --signal generation_hydro_pumped_storage \
		--signal generation_wind_onshore >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2023-06-01T00:00:00Z,DE,generation_hydro_pumped_storage,100
	2023-06-01T00:15:00Z,DE,generation_hydro_pumped_storage,0
	2023-06-01T00:30:00Z,DE,generation_hydro_pumped_storage,0
	2023-06-01T00:45:00Z,DE,generation_hydro_pumped_storage,0
	2023-06-01T00:00:00Z,DE,generation_solar,0
	2023-06-01T00:15:00Z,DE,generation_solar,0
	2023-06-01T00:30:00Z,DE,generation_solar,50
	2023-06-01T00:45:00Z,DE,generation_solar,50
	2023-06-01T00:00:00Z,DE,generation_wind_onshore,3000
	2023-06-01T00:15:00Z,DE,generation_wind_onshore,3000
	2023-06-01T00:30:00Z,DE,generation_wind_onshore,2900
	2023-06-01T00:45:00Z,DE,generation_wind_onshore,2800
	2023-06-01T01:00:00Z,DE,generation_wind_onshore,2700
	EOF
	test_cmp expect actual
'

test_expect_success 'day-ahead prices: sequence 1 only, A03 position filled' '
	$GS series --signal price >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2023-06-01T00:00:00Z,DE,price,95.1
	2023-06-01T01:00:00Z,DE,price,-5.32
	2023-06-01T02:00:00Z,DE,price,-5.32
	2023-06-01T03:00:00Z,DE,price,88
	EOF
	test_cmp expect actual
'

test_expect_success 'load: realised recorded, day-ahead a forecast at createdDateTime' '
	$GS series --signal load --forecasts >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value,issued,source
	2023-06-01T00:00:00Z,DE,load,52000.5,,load
	2023-06-01T00:15:00Z,DE,load,51800,,load
	2023-06-01T00:30:00Z,DE,load,51700,,load
	2023-06-01T00:45:00Z,DE,load,51650,,load
	2023-06-01T00:00:00Z,DE,load,53000,2023-05-31T09:47:11Z,load-da
	2023-06-01T01:00:00Z,DE,load,52500,2023-05-31T09:47:11Z,load-da
	2023-06-01T01:30:00Z,DE,load,52000,2023-05-31T09:47:11Z,load-da
	EOF
	test_cmp expect actual
'

test_expect_success 'a second run changes nothing' '
	$GS series --forecasts >before &&
	all_feeds &&
	ingest 0 &&
	cat >expect <<-\EOF &&
	gen: 25 points: 0 new, 0 updated, 0 rejected
	price: 4 points: 0 new, 0 updated, 0 rejected
	load: 4 points: 0 new, 0 updated, 0 rejected
	load-da: 3 points: 0 new, 0 updated, 0 rejected
	none: 0 points: 0 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	$GS series --forecasts >after &&
	test_cmp before after
'

test_expect_success 'malformed XML: exit 1, the position, nothing stored' '
	$GS series --forecasts >before &&
	feeds <<-EOF &&
	bad bad.xml
	EOF
	ingest 1 &&
	echo "greenslot: feed '\''bad'\'': $URL/bad.xml?$Q:46:29: invalid XML: Opening and ending tag mismatch: quantity line 46 and quantty" >expect &&
	test_cmp expect err &&
	test_cmp /dev/null out &&
	$GS series --forecasts >after &&
	test_cmp before after
'

test_expect_success 'a truncated body: exit 1, nothing stored' '
	feeds <<-EOF &&
	cut truncate/A75-DE.xml
	EOF
	ingest 1 &&
	test_grep "^greenslot: feed .cut.: cannot fetch " err &&
	$GS series --forecasts >after &&
	test_cmp before after
'

test_expect_success 'a refused query is an error with the reason' '
	cat >www/refused.xml <<-\EOF &&
	<?xml version="1.0" encoding="UTF-8"?>
	<Acknowledgement_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-1:acknowledgementdocument:7:0">
		<Reason>
			<code>999</code>
			<text>Invalid query attributes or parameters.</text>
		</Reason>
	</Acknowledgement_MarketDocument>
	EOF
	feeds <<-EOF &&
	refused refused.xml
	EOF
	ingest 1 &&
	echo "greenslot: feed '\''refused'\'': $URL/refused.xml?$Q:5: request refused: Invalid query attributes or parameters. (reason code '\''999'\'')" >expect &&
	test_cmp expect err &&
	! grep -q "$ENTSOE_TOKEN" err
'

test_expect_success '"factors": "direct" counts combustion only' '
	cat >feeds.json <<-EOF &&
	{"feeds": [{"name": "gen", "kind": "entsoe", "zone": "DE",
	  "factors": "direct", "url": "$URL/A75-DE.xml?$Q"}]}
	EOF
	expect_code 0 $GS ingest --db direct.db --feeds feeds.json \
		--from 2023-06-01T00:00:00Z --to 2023-06-02T00:00:00Z &&
	expect_code 0 $GS series --db direct.db --signal carbon_intensity \
		--to 2023-06-01T00:15:00Z &&
	direct=$(sed -n "2s/.*,//p" out) &&
	echo "direct $direct" &&
	awk -v d="$direct" "BEGIN { exit !(d > 0 && d < 90.0655) }" &&
	expect_code 0 $GS series --db direct.db --info --signal carbon_intensity &&
	test_grep "^DE,carbon_intensity,gCO2eq/kWh,direct,4," out &&
	expect_code 0 $GS series --info --signal carbon_intensity \
		--signal generation_solar &&
	cat >expect <<-\EOF &&
	zone,signal,unit,basis,points,first,last,vintages
	DE,carbon_intensity,gCO2eq/kWh,lifecycle,4,2023-06-01T00:00:00Z,2023-06-01T00:45:00Z,0
	DE,generation_solar,MW,,4,2023-06-01T00:00:00Z,2023-06-01T00:45:00Z,0
	EOF
	test_cmp expect out
'

test_expect_success '"factors" on a feed whose mix greenslot does not compute is refused' '
	cat >feeds.json <<-\EOF &&
	{"feeds": [{"name": "c", "kind": "csv", "url": "x.csv",
	  "factors": "direct"}]}
	EOF
	expect_code 2 $GS ingest --feeds feeds.json &&
	test_grep "^greenslot: feeds.json:2:[0-9]+: .factors. applies to entsoe feeds only .* in feed .c.$" err
'

test_expect_success 'a price below the SDAC floor (-500 EUR/MWh) is rejected and counted' '
	sed "s|<price.amount>-5.32</price.amount>|<price.amount>-600.5</price.amount>|" \
		www/A44-DE_LU.xml >www/floor.xml &&
	feeds <<-EOF &&
	price floor.xml
	EOF
	expect_code 0 $GS ingest --db floor.db --feeds feeds.json \
		--from 2023-06-01T00:00:00Z --to 2023-06-02T00:00:00Z &&
	test_grep "^price: [0-9]+ points: [0-9]+ new, 0 updated, 2 rejected$" feeds &&
	test_grep "2 impossible values rejected" err &&
	expect_code 0 $GS series --db floor.db --signal price &&
	! grep -e "-600.5" out &&
	test_grep "^2023-06-01T00:00:00Z,DE_LU|DE,price," out
'

test_expect_success 'an unknown psrType (B99): its own fuel, warned, and no intensity where it produces' '
	sed "s|<psrType>B16</psrType>|<psrType>B99</psrType>|" \
		www/A75-DE.xml >www/b99.xml &&
	feeds <<-EOF &&
	gen b99.xml
	EOF
	expect_code 0 $GS ingest --db b99.db --feeds feeds.json \
		--from 2023-06-01T00:00:00Z --to 2023-06-02T00:00:00Z &&
	cat >expect <<-EOF &&
	greenslot: warning: feed '\''gen'\'': $URL/b99.xml?$Q:96: unknown psrType '\''B99'\'' stored as '\''generation_b99'\''
	greenslot: warning: feed '\''gen'\'': $URL/b99.xml?$Q:14: carbon_intensity not computed at 3 times: psrType B99 has no emission factor (at 2 times); a production type has no value (at 1 times)
	EOF
	grep -v "^gen: " err >actual &&
	test_cmp expect actual &&
	expect_code 0 $GS series --db b99.db --signal generation_b99 --signal carbon_intensity &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2023-06-01T00:00:00Z,DE,carbon_intensity,90.06557377049181
	2023-06-01T00:15:00Z,DE,carbon_intensity,97.70491803278688
	2023-06-01T00:00:00Z,DE,generation_b99,0
	2023-06-01T00:15:00Z,DE,generation_b99,0
	2023-06-01T00:30:00Z,DE,generation_b99,50
	2023-06-01T00:45:00Z,DE,generation_b99,50
	EOF
	test_cmp expect out
'

test_expect_success 'B25 (energy storage): mapped, outside the mix, intensity computed' '
	sed "s|<psrType>B16</psrType>|<psrType>B25</psrType>|" \
		www/A75-DE.xml >www/b25.xml &&
	feeds <<-EOF &&
	gen b25.xml
	EOF
	expect_code 0 $GS ingest --db b25.db --feeds feeds.json \
		--from 2023-06-01T00:00:00Z --to 2023-06-02T00:00:00Z &&
	! grep -q "psrType" err &&
	test_grep "carbon_intensity not computed at 1 times: a production type has no value \(at 1 times\)$" err &&
	expect_code 0 $GS series --db b25.db --signal generation_energy_storage &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2023-06-01T00:00:00Z,DE,generation_energy_storage,0
	2023-06-01T00:15:00Z,DE,generation_energy_storage,0
	2023-06-01T00:30:00Z,DE,generation_energy_storage,50
	2023-06-01T00:45:00Z,DE,generation_energy_storage,50
	EOF
	test_cmp expect out &&
	expect_code 0 $GS series --db b25.db --signal carbon_intensity &&
	test $(grep -c ",DE,carbon_intensity," out) = 4
'

test_done
