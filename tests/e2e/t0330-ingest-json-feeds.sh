#!/bin/sh
# ingest of the JSON feed kinds (open-meteo, electricitymaps, watttime)
# served over HTTP by tests/tools/fake-server: exact stored values after
# time zone and unit conversion, forecasts stored as forecasts, re-runs
# that change nothing, and malformed responses that store nothing.
. "$(dirname "$0")/../lib.sh"

mkdir -p www/v1 www/v3/carbon-intensity
cp "$FIX/ingest/open-meteo/forecast.json" www/v1/forecast
cp "$FIX/ingest/open-meteo/archive.json" www/v1/archive
cp "$FIX/ingest/open-meteo/unixtime.json" www/v1/gfs
for f in history latest forecast; do
	cp "$FIX/ingest/electricitymaps/$f.json" www/v3/carbon-intensity/$f
done
printf '{"zone": "DE", "history": [\n {"datetime": "2019-05-21T00:00:00Z",\n  "carbonIntensity": 1},\n {"datetime": "2019-05-21T01:00:00Z",\n  "carbonIntensity": "302"}]}\n' \
	>www/v3/carbon-intensity/bad
cp "$FIX/ingest/watttime/historical.json" www/v3/historical
cp "$FIX/ingest/watttime/forecast.json" www/v3/forecast
sed 's/lbs_co2_per_mwh/percent/' www/v3/historical >www/v3/signal-index
sed 's/co2_moer/co2_aoer/' www/v3/historical >www/v3/historical-aoer
printf '{"utc_offset_seconds": 0,\n "hourly": {"time": ["2024-01-01T00:00",\n' \
	>www/v1/cut

start_fake_server www

# feeds.json from "name kind zone path" lines on stdin (zone - : none)
feeds() {
	{
		echo '{"feeds": ['
		sep=
		while read -r name kind zone path; do
			printf '%s  {"name": "%s", "kind": "%s",' "$sep" "$name" \
				"$kind"
			test "$zone" = - || printf ' "zone": "%s",' "$zone"
			printf '\n'
			printf '   "url": "%s%s"}' "$URL" "$path"
			sep=',
'
		done
		printf '\n]}\n'
	} >feeds.json
}

# series --forecasts without the issue time (the time of the request)
forecasts() { # zone
	$GS series --forecasts --zone "$1" >fc.all &&
	cut -d, -f1-4,6 fc.all
}

test_expect_success 'the fake server is up' '
	test_grep "^[0-9]+$" port
'

test_expect_success 'open-meteo: forecast, archive and unixtime responses' '
	feeds <<-EOF &&
	berlin open-meteo berlin /v1/forecast?latitude=52.52&timezone=Europe%2FBerlin&start_date={from:%Y-%m-%d}
	sf open-meteo sf /v1/archive?latitude=37.76&timezone=America%2FLos_Angeles
	london open-meteo london /v1/gfs?timeformat=unixtime
	EOF
	expect_code 0 $GS ingest --feeds feeds.json &&
	cat >expect <<-\EOF &&
	berlin: 18 points: 18 new, 0 updated, 0 rejected
	sf: 13 points: 13 new, 0 updated, 1 rejected
	london: 4 points: 4 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	echo "greenslot: warning: feed '\''sf'\'': 1 impossible values rejected (not stored)" >expect &&
	test_cmp expect err
'

test_expect_success 'open-meteo archive: recorded values, UTC, metric' '
	$GS series --zone sf >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value
	2021-06-01T07:00:00Z,sf,dewpoint,10
	2021-06-01T08:00:00Z,sf,dewpoint,10
	2021-06-01T09:00:00Z,sf,dewpoint,9.000000000000002
	2021-06-01T07:00:00Z,sf,precipitation,0
	2021-06-01T08:00:00Z,sf,precipitation,2.54
	2021-06-01T07:00:00Z,sf,solar_radiation,120.5
	2021-06-01T08:00:00Z,sf,solar_radiation,0
	2021-06-01T09:00:00Z,sf,solar_radiation,0
	2021-06-01T07:00:00Z,sf,temperature,15
	2021-06-01T08:00:00Z,sf,temperature,14.000000000000002
	2021-06-01T07:00:00Z,sf,wind_speed,4.4704
	2021-06-01T08:00:00Z,sf,wind_speed,0
	2021-06-01T09:00:00Z,sf,wind_speed,2.2352
	EOF
	test_cmp expect actual
'

test_expect_success 'open-meteo forecast: stored as a forecast, km/h to m/s' '
	$GS series --zone berlin >actual &&
	echo time,zone,signal,value >expect &&
	test_cmp expect actual &&
	forecasts berlin >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value,source
	2023-12-31T23:00:00Z,berlin,dewpoint,3.1,berlin
	2024-01-01T00:00:00Z,berlin,dewpoint,3,berlin
	2024-01-01T01:00:00Z,berlin,dewpoint,2.8,berlin
	2024-01-01T02:00:00Z,berlin,dewpoint,2.5,berlin
	2023-12-31T23:00:00Z,berlin,precipitation,0.1,berlin
	2024-01-01T00:00:00Z,berlin,precipitation,0,berlin
	2024-01-01T01:00:00Z,berlin,precipitation,0.3,berlin
	2024-01-01T02:00:00Z,berlin,precipitation,0,berlin
	2023-12-31T23:00:00Z,berlin,solar_radiation,0,berlin
	2024-01-01T00:00:00Z,berlin,solar_radiation,0,berlin
	2024-01-01T01:00:00Z,berlin,solar_radiation,0,berlin
	2024-01-01T02:00:00Z,berlin,solar_radiation,0,berlin
	2023-12-31T23:00:00Z,berlin,temperature,5.2,berlin
	2024-01-01T00:00:00Z,berlin,temperature,4.9,berlin
	2024-01-01T02:00:00Z,berlin,temperature,4.1,berlin
	2023-12-31T23:00:00Z,berlin,wind_speed,5,berlin
	2024-01-01T00:00:00Z,berlin,wind_speed,4.5,berlin
	2024-01-01T01:00:00Z,berlin,wind_speed,4,berlin
	EOF
	test_cmp expect actual &&
	sed 1d fc.all | cut -d, -f5 | sort -u >issued &&
	test $(wc -l <issued) -eq 1 &&
	test_grep "^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]+Z$" issued &&
	forecasts london >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value,source
	2024-01-01T00:00:00Z,london,temperature,7.5,london
	2024-01-01T01:00:00Z,london,temperature,7.25,london
	2024-01-01T00:00:00Z,london,wind_speed,4.5,london
	2024-01-01T01:00:00Z,london,wind_speed,5.25,london
	EOF
	test_cmp expect actual
'

test_expect_success 'open-meteo: ingesting the archive again changes nothing' '
	$GS series --forecasts >before &&
	feeds <<-EOF &&
	sf open-meteo sf /v1/archive?latitude=37.76
	EOF
	expect_code 0 $GS ingest --feeds feeds.json &&
	echo "sf: 13 points: 0 new, 0 updated, 1 rejected" >expect &&
	test_cmp expect feeds &&
	$GS series --forecasts >after &&
	test_cmp before after
'

test_expect_success 'open-meteo: malformed JSON is exit 1 and stores nothing' '
	feeds <<-EOF &&
	cut open-meteo cut /v1/cut
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''cut'\'': $URL/v1/cut:3:1: invalid JSON: '\'']'\'' expected near end of file" >expect &&
	test_cmp expect err &&
	$GS series --forecasts --zone cut >actual &&
	echo time,zone,signal,value,issued,source >expect &&
	test_cmp expect actual
'

test_expect_success 'open-meteo: a body cut off in transfer is exit 1' '
	feeds <<-EOF &&
	half open-meteo half /truncate/v1/archive
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	test_grep "feed .half.: cannot fetch .*: response cut off before its end" err &&
	$GS series --forecasts --zone half >actual &&
	echo time,zone,signal,value,issued,source >expect &&
	test_cmp expect actual
'

test_expect_success 'electricitymaps: history, latest and forecast' '
	feeds <<-EOF &&
	de-hist electricitymaps DE /v3/carbon-intensity/history?zone=DE
	de-latest electricitymaps - /v3/carbon-intensity/latest?zone=DE
	de-fc electricitymaps DE /v3/carbon-intensity/forecast?zone=DE
	EOF
	expect_code 0 $GS ingest --feeds feeds.json &&
	cat >expect <<-\EOF &&
	de-hist: 3 points: 3 new, 0 updated, 0 rejected, 1 estimated
	de-latest: 1 points: 1 new, 0 updated, 0 rejected
	de-fc: 3 points: 3 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	$GS series --forecasts --zone DE >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value,issued,source
	2019-05-21T00:00:00Z,DE,carbon_intensity,302,,de-hist
	2019-05-21T01:00:00Z,DE,carbon_intensity,297.5,,de-hist
	2019-05-21T03:00:00Z,DE,carbon_intensity,311,,de-hist
	2019-05-21T04:00:00Z,DE,carbon_intensity,322,,de-latest
	2019-05-21T05:00:00Z,DE,carbon_intensity,326,2019-05-21T04:42:18Z,de-fc
	2019-05-21T06:00:00Z,DE,carbon_intensity,314.5,2019-05-21T04:42:18Z,de-fc
	2019-05-21T07:00:00Z,DE,carbon_intensity,290,2019-05-21T04:42:18Z,de-fc
	EOF
	test_cmp expect actual
'

test_expect_success 'electricitymaps: emissionFactorType is the basis of the series' '
	expect_code 0 $GS series --info --zone DE &&
	cat >expect <<-\EOF &&
	zone,signal,unit,basis,points,first,last,vintages
	DE,carbon_intensity,gCO2eq/kWh,lifecycle,4,2019-05-21T00:00:00Z,2019-05-21T04:00:00Z,1
	EOF
	test_cmp expect out
'

test_expect_success 'electricitymaps: a second run changes nothing' '
	$GS series --forecasts >before &&
	expect_code 0 $GS ingest --feeds feeds.json &&
	cat >expect <<-\EOF &&
	de-hist: 3 points: 0 new, 0 updated, 0 rejected, 1 estimated
	de-latest: 1 points: 0 new, 0 updated, 0 rejected
	de-fc: 3 points: 0 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	$GS series --forecasts >after &&
	test_cmp before after
'

test_expect_success 'electricitymaps: a backfill asks for 10 days at a time' '
	feeds <<-EOF &&
	de-hist electricitymaps DE /v3/carbon-intensity/history?zone=DE&start={from}&end={to}
	EOF
	expect_code 0 $GS ingest --feeds feeds.json \
		--from 2019-05-01T00:00:00Z --to 2019-05-25T00:00:00Z &&
	echo "de-hist: 3 points: 0 new, 0 updated, 0 rejected, 1 estimated" >expect &&
	test_cmp expect feeds &&
	grep "start=2019" requests.log >actual &&
	cat >expect <<-\EOF &&
	GET /v3/carbon-intensity/history?zone=DE&start=2019-05-01T00:00:00Z&end=2019-05-11T00:00:00Z HTTP/1.1
	GET /v3/carbon-intensity/history?zone=DE&start=2019-05-11T00:00:00Z&end=2019-05-21T00:00:00Z HTTP/1.1
	GET /v3/carbon-intensity/history?zone=DE&start=2019-05-21T00:00:00Z&end=2019-05-25T00:00:00Z HTTP/1.1
	EOF
	test_cmp expect actual
'

test_expect_success 'electricitymaps: estimated points outside --to are not counted' '
	expect_code 0 $GS ingest --feeds feeds.json \
		--from 2019-05-21T00:00:00Z --to 2019-05-21T03:00:00Z &&
	echo "de-hist: 2 points: 0 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds
'

test_expect_success 'electricitymaps: a wrong type is exit 1 and stores nothing' '
	feeds <<-EOF &&
	de-bad electricitymaps DE-BAD /v3/carbon-intensity/bad
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''de-bad'\'': $URL/v3/carbon-intensity/bad:5:22: '\''history[1].carbonIntensity'\'' must be a number" >expect &&
	test_cmp expect err &&
	$GS series --forecasts --zone DE-BAD >actual &&
	echo time,zone,signal,value,issued,source >expect &&
	test_cmp expect actual
'

test_expect_success 'watttime: historical and forecast MOER, lbs/MWh to g/kWh; region CAISO_NORTH is zone CISO' '
	feeds <<-EOF &&
	wt watttime - /v3/historical?region=CAISO_NORTH&signal_type=co2_moer&start={from}&end={to}
	wt-fc watttime CISO /v3/forecast?region=CAISO_NORTH&signal_type=co2_moer
	EOF
	expect_code 0 $GS ingest --feeds feeds.json &&
	cat >expect <<-\EOF &&
	wt: 12 points: 12 new, 0 updated, 0 rejected
	wt-fc: 12 points: 12 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	$GS series --forecasts --zone CISO >actual &&
	cat >expect <<-\EOF &&
	time,zone,signal,value,issued,source
	2023-06-08T00:00:00Z,CISO,carbon_intensity,425.01605069000004,,wt
	2023-06-08T00:05:00Z,CISO,carbon_intensity,432.27352861,,wt
	2023-06-08T00:10:00Z,CISO,carbon_intensity,433.18071335,,wt
	2023-06-08T00:15:00Z,CISO,carbon_intensity,436.35585994,,wt
	2023-06-08T00:20:00Z,CISO,carbon_intensity,436.80945231000004,,wt
	2023-06-08T00:25:00Z,CISO,carbon_intensity,436.80945231000004,,wt
	2023-06-08T00:30:00Z,CISO,carbon_intensity,434.99508283,,wt
	2023-06-08T00:35:00Z,CISO,carbon_intensity,434.08789809,,wt
	2023-06-08T00:40:00Z,CISO,carbon_intensity,432.27352861,,wt
	2023-06-08T00:45:00Z,CISO,carbon_intensity,434.54149046000003,,wt
	2023-06-08T00:50:00Z,CISO,carbon_intensity,433.63430572000004,,wt
	2023-06-08T00:55:00Z,CISO,carbon_intensity,432.72712098,,wt
	2023-06-08T00:05:00Z,CISO,carbon_intensity,412.406182804,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:10:00Z,CISO,carbon_intensity,413.812319151,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:15:00Z,CISO,carbon_intensity,410.727891035,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:20:00Z,CISO,carbon_intensity,409.276395451,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:25:00Z,CISO,carbon_intensity,408.55064765900005,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:30:00Z,CISO,carbon_intensity,406.146608098,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:35:00Z,CISO,carbon_intensity,407.32594826,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:40:00Z,CISO,carbon_intensity,406.146608098,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:45:00Z,CISO,carbon_intensity,413.313367544,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:50:00Z,CISO,carbon_intensity,416.806028793,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T00:55:00Z,CISO,carbon_intensity,416.896747267,2023-06-08T00:00:00Z,wt-fc
	2023-06-08T01:00:00Z,CISO,carbon_intensity,417.53177658500005,2023-06-08T00:00:00Z,wt-fc
	EOF
	test_cmp expect actual
'

test_expect_success 'watttime: a second run changes nothing' '
	$GS series --forecasts >before &&
	expect_code 0 $GS ingest --feeds feeds.json &&
	cat >expect <<-\EOF &&
	wt: 12 points: 0 new, 0 updated, 0 rejected
	wt-fc: 12 points: 0 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	$GS series --forecasts >after &&
	test_cmp before after
'

test_expect_success 'watttime: average rates into a zone of marginal ones are refused' '
	$GS series --forecasts >before &&
	feeds <<-EOF &&
	wt-avg watttime CISO /v3/historical-aoer?start={from}
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''wt-avg'\'': zone '\''CISO'\'' signal '\''carbon_intensity'\'' holds marginal values; refusing average ones in the same series (give the feed another zone)" >expect &&
	grep -v "^wt-avg: " err >actual &&
	test_cmp expect actual &&
	$GS series --forecasts >after &&
	test_cmp before after
'

test_expect_success 'watttime: the basis of each series in series --info' '
	feeds <<-EOF &&
	wt-avg watttime CISO-AOER /v3/historical-aoer?start={from}
	EOF
	expect_code 0 $GS ingest --feeds feeds.json &&
	expect_code 0 $GS series --info --zone CISO --zone CISO-AOER &&
	cat >expect <<-\EOF &&
	zone,signal,unit,basis,points,first,last,vintages
	CISO,carbon_intensity,gCO2eq/kWh,marginal,12,2023-06-08T00:00:00Z,2023-06-08T00:55:00Z,1
	CISO-AOER,carbon_intensity,gCO2eq/kWh,average,12,2023-06-08T00:00:00Z,2023-06-08T00:55:00Z,0
	EOF
	test_cmp expect out &&
	expect_code 2 $GS series --info --forecasts &&
	test_grep "^greenslot: --info and --forecasts exclude each other" err
'

test_expect_success 'watttime: the percent index is refused, nothing stored' '
	feeds <<-EOF &&
	wt-index watttime WT-INDEX /v3/signal-index
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	line=$(grep -n "\"units\"" www/v3/signal-index | cut -d: -f1) &&
	echo "greenslot: feed '\''wt-index'\'': $URL/v3/signal-index:$line:14: '\''meta.units'\'' is '\''percent'\'': a relative index, not a carbon intensity (ask for signal_type=co2_moer)" >expect &&
	test_cmp expect err &&
	$GS series --forecasts --zone WT-INDEX >actual &&
	echo time,zone,signal,value,issued,source >expect &&
	test_cmp expect actual
'

# WattTime v3: GET /login with HTTP Basic credentials gives a token that
# every data request then carries as "Authorization: Bearer TOKEN".
WT_USER=grid-ops WT_PASSWORD='s3cr:et pw'
export WT_USER WT_PASSWORD
WT_BASIC=$(printf '%s:%s' "$WT_USER" "$WT_PASSWORD" | base64)

login_feeds() { # login path
	cat >feeds.json <<-EOF
	{"feeds": [{"name": "wt-login", "kind": "watttime",
	  "url": "$URL/bearer/tok-77a1/v3/historical?region=CAISO_NORTH&start={from}&end={to}",
	  "login": {"url": "$URL$1", "username": "{env:WT_USER}",
	            "password": "{env:WT_PASSWORD}"}}]}
	EOF
}

test_expect_success 'watttime: the login token flow (Basic, then Bearer)' '
	login_feeds /login/$WT_BASIC/tok-77a1 &&
	expect_code 0 $GS ingest --db login.db --feeds feeds.json \
		--from 2023-06-08T00:00:00Z --to 2023-06-08T01:00:00Z &&
	test_grep "^wt-login: [1-9][0-9]* points: [1-9][0-9]* new" feeds &&
	test_grep "GET /login/" requests.log &&
	test_grep "GET /bearer/tok-77a1/v3/historical" requests.log
'

test_expect_success 'watttime: a refused login is exit 1, secrets never shown' '
	login_feeds /login/d3Jvbmc6d3Jvbmc=/tok-77a1 &&
	expect_code 1 $GS ingest --db login.db --feeds feeds.json &&
	test_grep "^greenslot: feed .wt-login.: cannot log in at .*/login/d3Jvbmc6d3Jvbmc=/tok-77a1.: .*401" err &&
	! grep -e "$WT_PASSWORD" -e "$WT_BASIC" err out &&
	login_feeds /login/$WT_BASIC/tok-wrong &&
	expect_code 1 $GS ingest --db login.db --feeds feeds.json &&
	test_grep "401" err &&
	! grep -e tok-wrong -e "$WT_PASSWORD" err out
'

test_expect_success 'FEEDS.json: a login without a password is refused' '
	cat >feeds.json <<-\EOF &&
	{"feeds": [{"name": "w", "kind": "watttime", "url": "x",
	  "login": {"url": "http://127.0.0.1:1/login", "username": "u"}}]}
	EOF
	expect_code 2 $GS ingest --feeds feeds.json &&
	test_grep "^greenslot: feeds.json:2:[0-9]+: missing .(login.)?password." err
'

test_done
