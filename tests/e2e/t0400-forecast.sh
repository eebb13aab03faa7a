#!/bin/sh
# greenslot forecast and forecast backtest on two months of real CISO carbon
# intensity: what is stored, that the seasonal naive value is the recorded
# one a day earlier, the backtest JSON, and provider forecasts scored on the
# same points as greenslot's.
. "$(dirname "$0")/../lib.sh"

ciso=$FIX/forecast/CISO-2021-05-06.csv
at=2021-06-28T00:00:00Z

cat >FEEDS.json <<EOF
{"feeds": [
  {"name": "ciso", "kind": "csv", "url": "$ciso", "zone": "CISO"},
  {"name": "provider-x", "kind": "csv",
   "url": "$FIX/forecast/provider-x-CISO.csv"}
]}
EOF

# value of the wide-form fixture at time $1
recorded() {
	sed -n "s/^$1,//p" "$ciso"
}

# python3 one-liner over the JSON in file $1: exits non-zero if $2 is false
json_check() {
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
m = d['models']
sys.exit(0 if ($2) else 1)
" "$1" || { echo "json check failed: $2"; cat "$1"; return 1; }
}

test_expect_success 'ingest the CISO slice' '
	expect_code 0 $GS ingest --feeds FEEDS.json --feed ciso
'

test_expect_success 'forecast stores 48 points issued at --at' '
	expect_code 0 $GS forecast --zone CISO --signal carbon_intensity \
		--at $at --horizon PT48H &&
	echo "CISO carbon_intensity: 48 points 2021-06-28T00:00:00Z..2021-06-30T00:00:00Z, model combined" >expect &&
	test_cmp expect out &&
	expect_code 0 $GS series --zone CISO --signal carbon_intensity \
		--from $at --to 2021-06-30T00:00:00Z --forecasts &&
	grep -E ",$at,greenslot\$" out >gs.csv &&
	test $(wc -l <gs.csv) -eq 48
'

test_expect_success '--model seasonal_naive: the value recorded a day earlier' '
	expect_code 0 $GS forecast --zone CISO --signal carbon_intensity \
		--at $at --horizon PT48H --model seasonal_naive &&
	test_grep "model seasonal naive\$" out &&
	expect_code 0 $GS series --zone CISO --signal carbon_intensity \
		--from $at --to 2021-06-30T00:00:00Z --forecasts &&
	grep -E ",$at,seasonal_naive\$" out >fc.csv &&
	test $(wc -l <fc.csv) -eq 48 &&
	want=$(recorded 2021-06-27T05:00:00Z) &&
	test -n "$want" &&
	got=$(sed -n "s/^2021-06-28T05:00:00Z,CISO,carbon_intensity,\([^,]*\),.*/\1/p" fc.csv) &&
	test -n "$got" &&
	awk -v a="$want" -v b="$got" "BEGIN { d = a - b; exit !(d < 1e-9 && d > -1e-9) }" &&
	want=$(recorded 2021-06-27T05:00:00Z) &&
	got=$(sed -n "s/^2021-06-29T05:00:00Z,CISO,carbon_intensity,\([^,]*\),.*/\1/p" fc.csv) &&
	awk -v a="$want" -v b="$got" "BEGIN { d = a - b; exit !(d < 1e-9 && d > -1e-9) }"
'

test_expect_success 'the stored points carry ordered 80% and 95% intervals' '
	n=$(sqlite3 greenslot.db "SELECT count(*) FROM forecast f
		JOIN vintage v ON v.id = f.vintage_id
		JOIN source s ON s.id = v.source_id
		WHERE s.name = '\''greenslot'\'' AND v.issued = 1624838400
		AND f.lo95 <= f.lo80 AND f.lo80 <= f.value
		AND f.value <= f.hi80 AND f.hi80 <= f.hi95
		AND f.lo80 < f.hi80") &&
	test "$n" -eq 48
'

test_expect_success 'forecast values are numbers, never NaN' '
	! grep -i nan fc.csv && ! grep -i nan gs.csv
'

test_expect_success 'a zone without history fails alone: the others are forecast, exit 1' '
	expect_code 1 $GS forecast --zone NOPE --zone CISO \
		--signal carbon_intensity --at $at &&
	test_grep "^greenslot: NOPE carbon_intensity: no recorded values before '\''$at'\''\$" err &&
	test_grep "^CISO carbon_intensity: 48 points" out
'

test_expect_success 'default zones and signals: every zone with data, price skipped' '
	expect_code 0 $GS forecast --at $at --horizon PT6H &&
	echo "CISO carbon_intensity: 6 points 2021-06-28T00:00:00Z..2021-06-28T06:00:00Z, model combined" >expect &&
	test_cmp expect out
'

test_expect_success 'default signals of a zone without any: error, exit 1' '
	expect_code 1 $GS forecast --zone NOPE --zone CISO --at $at \
		--horizon PT1H &&
	test_grep "^greenslot: NOPE: no recorded carbon_intensity or price values\$" err &&
	test_grep "^CISO carbon_intensity: 1 point 2021-06-28T00:00:00Z..2021-06-28T01:00:00Z" out
'

test_expect_success 'an empty store has nothing to forecast (exit 1)' '
	expect_code 1 $GS forecast --db empty.db --at $at &&
	test_grep "no recorded carbon_intensity or price values to forecast" err &&
	expect_code 1 $GS forecast backtest --db empty.db --zone CISO \
		--signal carbon_intensity &&
	test_grep "no recorded values of '\''carbon_intensity'\'' in zone '\''CISO'\''" err
'

test_expect_success 'bad options are usage errors (exit 2)' '
	expect_code 2 $GS forecast --horizon 48h &&
	test_grep "invalid duration" err &&
	expect_code 2 $GS forecast --at yesterday &&
	expect_code 2 $GS forecast --bogus &&
	expect_code 2 $GS forecast --model prophet &&
	test_grep "unknown model '\''prophet'\''" err &&
	expect_code 2 $GS forecast backtest --signal carbon_intensity &&
	test_grep "needs one --zone and one --signal" err &&
	expect_code 2 $GS forecast backtest --zone CISO --signal carbon_intensity \
		--from 2021-06-10T00:00:00Z --to 2021-06-01T00:00:00Z
'

test_expect_success 'backtest prints the metrics of both models and the components' '
	expect_code 0 $GS forecast backtest --zone CISO --signal carbon_intensity \
		--from 2021-06-01T00:00:00Z --to 2021-06-29T00:00:00Z >/dev/null &&
	mv out bt.json &&
	json_check bt.json "d[\"zone\"] == \"CISO\" and d[\"signal\"] == \"carbon_intensity\" and d[\"from\"] == \"2021-06-01T00:00:00Z\" and d[\"to\"] == \"2021-06-29T00:00:00Z\" and d[\"horizon\"] == \"PT24H\" and d[\"step\"] == \"PT24H\" and d[\"issues\"] == 28" &&
	json_check bt.json "sorted(m) == [\"greenslot\", \"seasonal_naive\"]" &&
	json_check bt.json "all(set(m[k]) >= {\"mae\", \"mape\", \"mape_n\", \"bias\", \"n\", \"coverage80\", \"coverage95\", \"by_horizon\"} for k in m)" &&
	json_check bt.json "sorted(m[\"greenslot\"][\"by_horizon\"]) == sorted([\"1-6h\", \"7-24h\", \"25-48h\", \"49-96h\"])" &&
	json_check bt.json "m[\"greenslot\"][\"n\"] == 28 * 24 and m[\"greenslot\"][\"by_horizon\"][\"1-6h\"][\"n\"] == 28 * 6 and m[\"greenslot\"][\"by_horizon\"][\"25-48h\"][\"n\"] == 0" &&
	json_check bt.json "m[\"greenslot\"][\"mae\"] > 0 and 0 < m[\"greenslot\"][\"coverage80\"] <= m[\"greenslot\"][\"coverage95\"] <= 1" &&
	json_check bt.json "m[\"greenslot\"][\"by_horizon\"][\"25-48h\"][\"mae\"] is None" &&
	json_check bt.json "sorted(d[\"components\"]) == [\"regression\", \"smoothing\"]" &&
	json_check bt.json "all(0 < c[\"n\"] <= 28 * 24 and c[\"coverage80\"] is not None for c in d[\"components\"].values())" &&
	json_check bt.json "m[\"greenslot\"][\"mape\"] < m[\"seasonal_naive\"][\"mape\"]" &&
	! grep -i nan bt.json
'

test_expect_success 'backtest recomputes: stored greenslot forecasts change nothing' '
	expect_code 0 $GS forecast --zone CISO --signal carbon_intensity \
		--at 2021-06-10T00:00:00Z &&
	expect_code 0 $GS forecast backtest --zone CISO --signal carbon_intensity \
		--from 2021-06-01T00:00:00Z --to 2021-06-29T00:00:00Z &&
	test_cmp bt.json out
'

test_expect_success 'backtest defaults: from 7 days after the first point' '
	expect_code 0 $GS forecast backtest --zone CISO --signal carbon_intensity \
		--horizon PT48H --step PT12H &&
	mv out bt.json &&
	json_check bt.json "d[\"from\"] == \"2021-05-08T00:00:00Z\" and d[\"to\"] == \"2021-06-30T23:00:00Z\" and d[\"horizon\"] == \"PT48H\" and d[\"step\"] == \"PT12H\"" &&
	json_check bt.json "d[\"issues\"] == 2 * (31 - 8 + 1 + 30)" &&
	json_check bt.json "m[\"greenslot\"][\"by_horizon\"][\"25-48h\"][\"n\"] > 0"
'

test_expect_success 'a provider forecast is scored as its own model on the same points' '
	expect_code 0 $GS ingest --feeds FEEDS.json --feed provider-x &&
	expect_code 0 $GS forecast backtest --zone CISO --signal carbon_intensity &&
	mv out bt.json &&
	json_check bt.json "sorted(m) == [\"greenslot\", \"provider-x\", \"seasonal_naive\"]" &&
	json_check bt.json "d[\"issues\"] == 10 and m[\"provider-x\"][\"n\"] == 240" &&
	json_check bt.json "all(m[k][\"n\"] == 240 for k in m)" &&
	json_check bt.json "all(m[\"provider-x\"][\"by_horizon\"][b][\"n\"] == m[\"greenslot\"][\"by_horizon\"][b][\"n\"] for b in m[\"greenslot\"][\"by_horizon\"])" &&
	json_check bt.json "m[\"provider-x\"][\"coverage80\"] is None and m[\"provider-x\"][\"mae\"] > 0" &&
	json_check bt.json "m[\"provider-x\"][\"mae\"] != m[\"greenslot\"][\"mae\"]"
'

test_done
