#!/bin/sh
# t0500-solve.sh - `greenslot solve` on real carbon intensity of three US
# grids (CISO, ERCO, PJM, 2021-06-25..30), 18 jobs on three sites, plus
# three that cannot be placed.  Every plan is re-checked by
# tests/tools/plan-check.py, which shares no code with the solver.
. "$(dirname "$0")/../lib.sh"

S=$FIX/solver
CHECK="python3 $TOP/tests/tools/plan-check.py"
# several claims compare milp's final plans: a limit that lets GLPK finish
# (seconds natively) so that valgrind's slowdown does not cut it short
SOLVE="$GS solve --sites $S/sites.json --oracle --time-limit 900"

# succeeds when plan $1's total $3 is below (lt) or not above (le) plan $2's
compare() {
	python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["totals"][sys.argv[4]]
b = json.load(open(sys.argv[2]))["totals"][sys.argv[4]]
ok = a < b if sys.argv[3] == "lt" else a <= b + 1e-9
print("%s: %r %s %r" % (sys.argv[4], a, sys.argv[3], b))
sys.exit(0 if ok else 1)' "$1" "$2" "$3" "${4:-emissions_kg}"
}

test_expect_success 'ingest the carbon intensity of three zones' '
	expect_code 0 $GS ingest --feeds $S/feeds.json &&
	for z in CISO ERCO PJM; do
		awk -F, -v z=$z "NR > 1 { print \$1 \",\" z \",\" \$2 }" \
			$S/$z-2021-06-25.csv || return 1
	done >ci.body &&
	{ echo time,zone,value; cat ci.body; } >ci.csv &&
	test $(wc -l <ci.csv) -eq 433
'

# train-p is interruptible: GLPK proves optimality over the options it is
# given only, so the plan claims the search's true bound, within 2%
test_expect_success 'milp places every job within 2% of a true bound' '
	expect_code 0 $SOLVE -o milp.json $S/jobs.json &&
	test_grep "^milp: 18 jobs placed, 0 unplaced; [0-9.]+ kg CO2eq against [0-9.]+ kg baseline \(-[0-9.]+%\); (optimal|feasible) in" err &&
	python3 -c "
import json, sys
h = json.load(open(\"milp.json\"))[\"plan\"]
sys.exit(0 if h[\"bound\"] <= h[\"objective_value\"] and h[\"gap\"] < 0.02
         else 1)" &&
	test_grep "\"signal_source\": \"recorded \(oracle\)\"" milp.json &&
	test_grep "\"oracle\": true" milp.json &&
	$CHECK --ci ci.csv $S/sites.json milp.json $S/jobs.json
'

test_expect_success 'the plan starts at the earliest start on the slot grid' '
	test_grep "\"start\": \"2021-06-28T00:00:00Z\"" milp.json &&
	test_grep "\"end\": \"2021-06-30T00:00:00Z\"" milp.json &&
	test_grep "\"slot\": \"PT30M\"" milp.json
'

test_expect_success 'a PUE object without temperature falls back to its base' '
	test_grep "^greenslot: warning: no temperature for site .tx-central. \(weather .tx-central.\) in [0-9]* of [0-9]* slots, the first at [-0-9T:]*Z: PUE taken as its base 1.2 there" err
'

test_expect_success 'greedy, fifo, round-robin and random make valid plans' '
	for p in greedy fifo round-robin random; do
		expect_code 0 $SOLVE --policy $p -o $p.json $S/jobs.json &&
		test_grep "^$p: 18 jobs placed, 0 unplaced" err &&
		test_grep "\"status\": \"feasible\"" $p.json &&
		$CHECK --ci ci.csv $S/sites.json $p.json $S/jobs.json || return 1
	done
'

test_expect_success 'milp emits no more than greedy and less than fifo' '
	compare milp.json greedy.json le &&
	compare milp.json fifo.json lt
'

test_expect_success 'every plan has the same baseline, above the milp plan' '
	for p in greedy fifo round-robin random; do
		python3 -c "
import json, sys
a = json.load(open(\"milp.json\"))[\"totals\"]
b = json.load(open(\"$p.json\"))[\"totals\"]
sys.exit(0 if abs(a[\"baseline_emissions_kg\"] - b[\"baseline_emissions_kg\"]) < 1e-9 and a[\"emissions_kg\"] < a[\"baseline_emissions_kg\"] else 1)" ||
		return 1
	done
'

test_expect_success 'jobs that cannot run are unplaced with a reason, exit 3' '
	expect_code 3 $SOLVE -o mixed.json $S/jobs.json $S/infeasible.json &&
	test_grep "^milp: 18 jobs placed, 3 unplaced; .* (optimal|feasible) in" err &&
	$CHECK --ci ci.csv $S/sites.json mixed.json $S/jobs.json $S/infeasible.json &&
	python3 -c "
import json
for u in json.load(open(\"mixed.json\"))[\"unplaced\"]:
    print(u[\"id\"] + \": \" + u[\"reason\"])" >actual &&
	cat >expect <<-\EOF &&
	too-short-q: window from 2021-06-28T10:00:00Z to 2021-06-28T14:00:00Z (on the slot grid, within the horizon) is shorter than its runtime PT10H
	too-big-r: needs 64 '"'"'gpu'"'"' but no allowed site has that many
	after-r-s: after '"'"'too-big-r'"'"', which cannot be placed
	EOF
	test_cmp expect actual &&
	compare mixed.json milp.json le &&
	compare milp.json mixed.json le
'

test_expect_success 'the plan goes to stdout without -o' '
	$SOLVE --policy greedy $S/jobs.json >stdout.json 2>err &&
	$CHECK $S/sites.json stdout.json $S/jobs.json
'

test_expect_success 'a cost objective costs no more than the carbon plan' '
	expect_code 0 $SOLVE --objective cost -o cost.json $S/jobs.json &&
	test_grep "\"objective\": \"cost\"" cost.json &&
	$CHECK $S/sites.json cost.json $S/jobs.json &&
	compare cost.json milp.json le cost &&
	compare milp.json cost.json le emissions_kg
'

test_expect_success 'weights of carbon=1,cost=0 give the carbon optimum' '
	expect_code 0 $SOLVE --weights carbon=1,cost=0 -o w.json $S/jobs.json &&
	test_grep "\"objective\": \"weighted\"" w.json &&
	compare w.json milp.json le &&
	compare milp.json w.json le
'

test_expect_success 'plan-check catches a tampered plan' '
	python3 -c "
import json
p = json.load(open(\"milp.json\"))
for j in p[\"jobs\"]:
    j[\"site\"] = \"ca-west\"
p[\"totals\"][\"emissions_kg\"] += 1
json.dump(p, open(\"bad.json\", \"w\"))" &&
	expect_code 1 $CHECK $S/sites.json bad.json $S/jobs.json &&
	test_grep "sim-j: site .ca-west. is not allowed" out &&
	test_grep "totals.emissions_kg is" out
'

test_expect_success 'without --oracle a stored forecast is used first' '
	{
		echo time,carbon_intensity,issued
		awk -F, "NR > 1 && \$1 >= \"2021-06-27\" && \$1 < \"2021-06-29\" {
			print \$1 \",\" \$2 \",2021-06-27T12:00:00Z\" }" \
			$S/CISO-2021-06-25.csv |
		sed "s/^2021-06-28/2021-06-29/; s/^2021-06-27/2021-06-28/"
	} >ciso-fc.csv &&
	cat >fc.json <<-EOF &&
	{"feeds": [{"name": "dayold", "kind": "csv", "url": "ciso-fc.csv",
	            "zone": "CISO"}]}
	EOF
	expect_code 0 $GS ingest --feeds fc.json &&
	expect_code 0 $GS solve --sites $S/sites.json --policy greedy \
		-o fc-plan.json $S/jobs.json &&
	test_grep "\"oracle\": false" fc-plan.json &&
	test_grep "\"signal_source\": \"forecast CISO dayold issued 2021-06-27T12:00:00Z; recorded values where no forecast\"" fc-plan.json &&
	$CHECK $S/sites.json fc-plan.json $S/jobs.json
'

test_expect_success 'a site without carbon intensity is warned about, unused' '
	sed "s/{\"sites\": \[/{\"sites\": [{\"id\": \"xx-dark\", \"zone\": \"NOPE\", \"capacity\": {\"gpu\": 64, \"cpu\": 4096}, \"power_w\": {\"gpu\": 1, \"cpu\": 1}},/" \
		$S/sites.json >dark.json &&
	test_grep "xx-dark" dark.json &&
	expect_code 0 $GS solve --sites dark.json --oracle --policy fifo \
		-o dark-plan.json $S/jobs.json &&
	test_grep "^greenslot: warning: no carbon intensity for zone .NOPE. \(site .xx-dark.\) from 2021-06-28T00:00:00Z to 2021-06-30T00:00:00Z: no job can run there$" err &&
	$CHECK dark.json dark-plan.json $S/jobs.json &&
	! grep -q "\"site\": \"xx-dark\"" dark-plan.json &&
	compare dark-plan.json milp.json le baseline_emissions_kg &&
	compare milp.json dark-plan.json le baseline_emissions_kg
'

test_expect_success 'misuse is refused with exit 2' '
	expect_code 2 $SOLVE --policy nosuch $S/jobs.json &&
	test_grep "^greenslot: unknown policy .nosuch. \(want milp, search, greedy, fifo, round-robin or random\)$" err &&
	expect_code 2 $SOLVE --objective speed $S/jobs.json &&
	test_grep "^greenslot: unknown objective .speed. \(want carbon, cost or makespan\)$" err &&
	expect_code 2 $SOLVE --weights carbon=1,speed=2 $S/jobs.json &&
	test_grep "^greenslot: unknown weight .speed. in --weights" err &&
	expect_code 2 $SOLVE &&
	test_grep "^greenslot: no JOBS.json given$" err &&
	echo "[{\"id\": \"x\", \"nosuchkey\": 1}]" >badjobs.json &&
	expect_code 2 $SOLVE badjobs.json &&
	test_grep "^greenslot: badjobs.json:1:" err
'

test_done
