#!/bin/sh
# greenslot's combined model on ten weeks of real ERCO carbon intensity
# with the day-ahead weather forecasts issued for it, both ingested as csv
# feeds (the weather under the zone's key): day-ahead backtest over June
# 2021 beats seasonal naive, the weather makes the regression better, a
# weather vintage issued at the issue time changes nothing, and `forecast`
# says which model it used.
. "$(dirname "$0")/../lib.sh"

F=$FIX/forecast
cat >FEEDS.json <<EOF
{"feeds": [
  {"name": "erco", "kind": "csv", "zone": "ERCO",
   "url": "$F/ERCO-2021-04-06.csv"},
  {"name": "erco-weather", "kind": "csv", "zone": "ERCO",
   "url": "$F/ERCO-weather-2021-04-06.csv"}
]}
EOF
BT="forecast backtest --zone ERCO --signal carbon_intensity
	--from 2021-06-01T00:00:00Z --to 2021-06-29T00:00:00Z"

# python3 over the JSON in file $1: exits non-zero if $2 is false
json_check() {
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
m, c = d['models'], d['components']
sys.exit(0 if ($2) else 1)
" "$1" || { echo "json check failed: $2"; cat "$1"; return 1; }
}

test_expect_success 'backtest without the weather' '
	expect_code 0 $GS ingest -q --no-forecast --feeds FEEDS.json \
		--feed erco &&
	expect_code 0 $GS $BT &&
	mv out nowx.json &&
	json_check nowx.json "d[\"issues\"] == 28 and m[\"greenslot\"][\"n\"] == 28 * 24"
'

test_expect_success 'with the weather: greenslot beats seasonal naive' '
	expect_code 0 $GS ingest -q --no-forecast --feeds FEEDS.json \
		--feed erco-weather &&
	expect_code 0 $GS $BT &&
	mv out wx.json &&
	json_check wx.json "m[\"greenslot\"][\"mape\"] < 0.9 * m[\"seasonal_naive\"][\"mape\"]" &&
	json_check wx.json "m[\"greenslot\"][\"n\"] == m[\"seasonal_naive\"][\"n\"] == 28 * 24" &&
	json_check wx.json "0.6 < m[\"greenslot\"][\"coverage80\"] <= m[\"greenslot\"][\"coverage95\"] <= 1" &&
	! grep -i nan wx.json
'

test_expect_success 'the weather forecasts make the regression better' '
	python3 -c "
import json, sys
a = json.load(open(\"nowx.json\"))[\"components\"][\"regression\"][\"mape\"]
b = json.load(open(\"wx.json\"))[\"components\"][\"regression\"][\"mape\"]
sys.exit(0 if b < a else 1)
"
'

test_expect_success 'a weather vintage issued at the issue time changes nothing' '
	expect_code 0 $GS forecast --zone ERCO --signal carbon_intensity \
		--at 2021-06-20T00:00:00Z --horizon PT24H &&
	echo "ERCO carbon_intensity: 24 points 2021-06-20T00:00:00Z..2021-06-21T00:00:00Z, model combined" >expect &&
	test_cmp expect out &&
	expect_code 0 $GS series --zone ERCO --signal carbon_intensity \
		--from 2021-06-20T00:00:00Z --to 2021-06-21T00:00:00Z \
		--forecasts &&
	grep ",greenslot\$" out >before.csv &&
	test $(wc -l <before.csv) -eq 24 &&
	{
		echo "time,issued,temperature,wind_speed" &&
		sed -n "s/^\(2021-06-2[01]T[^,]*\),.*/\1,2021-06-20T00:00:00Z,45,30/p" \
			"$F/ERCO-weather-2021-04-06.csv"
	} >late.csv &&
	printf "{\"feeds\": [{\"name\": \"late\", \"kind\": \"csv\", \"zone\": \"ERCO\", \"url\": \"%s\"}]}\n" \
		"$PWD/late.csv" >late.json &&
	expect_code 0 $GS ingest -q --no-forecast --feeds late.json &&
	expect_code 0 $GS forecast --zone ERCO --signal carbon_intensity \
		--at 2021-06-20T00:00:00Z --horizon PT24H &&
	expect_code 0 $GS series --zone ERCO --signal carbon_intensity \
		--from 2021-06-20T00:00:00Z --to 2021-06-21T00:00:00Z \
		--forecasts &&
	grep ",greenslot\$" out >after.csv &&
	test_cmp before.csv after.csv
'

test_expect_success 'short history: seasonal naive, and a warning says so' '
	expect_code 0 $GS forecast --zone ERCO --signal carbon_intensity \
		--at 2021-04-25T00:00:00Z --horizon PT6H &&
	test_grep "model seasonal naive\$" out &&
	test_grep "^greenslot: warning: ERCO carbon_intensity: less than 14 days of history" err
'

test_done
