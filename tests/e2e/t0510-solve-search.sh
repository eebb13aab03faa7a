#!/bin/sh
# t0510-solve-search.sh - the solver on a generated instance from real
# carbon curves (tests/bench/gen-instance.py: 60 jobs on 4 sites, some
# interruptible, dependent and identical, capacity ~70% booked): every
# plan passes tests/tools/plan-check.py, the search places every job
# least-slack greedy places and more, emits less when it places as many,
# gives the same plan twice, and its bound lies below its objective and
# within 5% of the textbook model's linear relaxation (glpsol); --gap
# stops it early, within that gap.
. "$(dirname "$0")/../lib.sh"

CHECK="python3 $TOP/tests/tools/plan-check.py"

test_expect_success 'generate and ingest an instance' '
	python3 $TOP/tests/bench/gen-instance.py --seed 3 --mix \
		--lp inst/model.lp 60 4 inst &&
	expect_code 0 $GS ingest --db s.db --feeds inst/feeds.json
'

solve() { # policy output [options]
	p=$1 o=$2
	shift 2
	$GS solve --db s.db --sites inst/sites.json --oracle \
		--start "$(cat inst/start)" --policy $p -o $o "$@" \
		inst/jobs.json 2>err
	test $? -le 3
}

test_expect_success 'greedy, search and milp make valid plans' '
	solve greedy greedy.json &&
	solve search search.json &&
	solve milp milp.json --time-limit 4 &&
	for p in greedy search milp; do
		$CHECK inst/sites.json $p.json inst/jobs.json || return 1
	done
'

test_expect_success 'search places all greedy places, at less carbon' '
	python3 -c "
import json, sys
g = json.load(open(\"greedy.json\")); s = json.load(open(\"search.json\"))
gu, su = len(g[\"unplaced\"]), len(s[\"unplaced\"])
ge, se = g[\"totals\"][\"emissions_kg\"], s[\"totals\"][\"emissions_kg\"]
print(gu, su, ge, se)
sys.exit(0 if su < gu or (su == gu and se < ge) else 1)"
'

test_expect_success 'the bound lies below the objective, gap between' '
	for p in search milp; do
		python3 -c "
import json, sys
h = json.load(open(\"$p.json\"))[\"plan\"]
ok = h[\"bound\"] <= h[\"objective_value\"] + 1e-9 and 0 <= h[\"gap\"] <= 1
sys.exit(0 if ok else 1)" || return 1
	done
'

test_expect_success 'the bound is within 5% of the textbook LP relaxation' '
	glpsol --lp inst/model.lp --nomip -o lp.sol >/dev/null &&
	lp=$(sed -n "s/^Objective: *obj = *\([0-9.e+-]*\).*/\1/p" lp.sol) &&
	python3 -c "
import json, sys
b = json.load(open(\"search.json\"))[\"plan\"][\"bound\"]
print(b, sys.argv[1])
sys.exit(0 if 0.95 * float(sys.argv[1]) <= b else 1)" "$lp"
'

test_expect_success '--gap stops the search once the plan is that close' '
	solve search gap.json --gap 0.5 &&
	$CHECK inst/sites.json gap.json inst/jobs.json &&
	python3 -c "
import json, sys
g, s = (json.load(open(f)) for f in (\"gap.json\", \"search.json\"))
h = g[\"plan\"]
ok = h[\"status\"] == \"feasible\" and h[\"gap\"] <= 0.5 and \
    h[\"objective_value\"] >= s[\"plan\"][\"objective_value\"] - 1e-9
sys.exit(0 if ok else 1)"
'

test_expect_success '--gap outside [0, 1) is refused, naming --gap' '
	expect_code 2 $GS solve --db s.db --sites inst/sites.json --gap 1 \
		inst/jobs.json &&
	grep -q -- "--gap" err
'

test_expect_success 'the search gives the same plan twice' '
	solve search again.json &&
	python3 -c "
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for p in (a, b):
    del p[\"plan\"][\"solve_seconds\"]
sys.exit(0 if a == b else 1)" search.json again.json
'

test_done
