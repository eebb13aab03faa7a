#!/bin/sh
# t0520-solve-pieces-makespan.sh - interruptible jobs and the makespan
# objective on the real carbon intensity of t0500's fixture: the
# interruptible train-p runs in pieces (no more than max_pieces), the
# makespan plan ends earlier than the carbon plan, mixes weigh hours,
# and tests/tools/plan-check.py accepts every plan and catches a plan
# with more pieces than allowed.
. "$(dirname "$0")/../lib.sh"

S=$FIX/solver
CHECK="python3 $TOP/tests/tools/plan-check.py"
# the claims below are about the plans milp ends with when GLPK finishes
# (3.5 s here natively); the default 60 s limit would cut it under valgrind
SOLVE="$GS solve --sites $S/sites.json --oracle --time-limit 900"

# prints field $2 of plan $1's header, or of job $3's entry
field() {
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
if len(sys.argv) > 3:
    j = [j for j in p["jobs"] if j["id"] == sys.argv[3]][0]
    v = j[sys.argv[2]]
    print(len(v) if isinstance(v, list) else v)
else:
    print(p["plan"][sys.argv[2]])' "$@"
}

test_expect_success 'setup' '
	expect_code 0 $GS ingest --feeds $S/feeds.json &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
for j in d[\"jobs\"]:
    if j[\"id\"] == \"train-p\":
        j[\"max_pieces\"] = 1
json.dump(d, open(\"one.json\", \"w\"))" $S/jobs.json
'

test_expect_success 'milp runs an interruptible job in pieces where that is cleaner' '
	expect_code 0 $SOLVE -o split.json $S/jobs.json &&
	test $(field split.json segments train-p) -ge 2 &&
	test $(field split.json segments train-p) -le 4 &&
	$CHECK $S/sites.json split.json $S/jobs.json
'

test_expect_success 'max_pieces 1 keeps it in one piece, and costs carbon' '
	expect_code 0 $SOLVE -o one-plan.json one.json &&
	test $(field one-plan.json segments train-p) -eq 1 &&
	$CHECK $S/sites.json one-plan.json one.json &&
	python3 -c "
import json, sys
a, b = (json.load(open(f))[\"totals\"][\"emissions_kg\"] for f in sys.argv[1:])
sys.exit(0 if a < b else 1)" split.json one-plan.json
'

test_expect_success 'plan-check refuses more pieces than max_pieces' '
	expect_code 1 $CHECK $S/sites.json split.json one.json &&
	test_grep "train-p: [0-9]+ segments, at most 1 allowed" out
'

test_expect_success 'makespan: the plan ends earlier than the carbon plan' '
	for p in greedy search; do
		expect_code 0 $SOLVE --policy $p -o c-$p.json $S/jobs.json &&
		expect_code 0 $SOLVE --policy $p --objective makespan \
			-o m-$p.json $S/jobs.json &&
		$CHECK $S/sites.json m-$p.json $S/jobs.json &&
		test "$(field m-$p.json objective)" = makespan &&
		python3 -c "
import json, sys
c, m = (json.load(open(f)) for f in sys.argv[1:])
end = lambda p: max(j[\"end\"] for j in p[\"jobs\"])
h = m[\"plan\"]
ok = end(m) < end(c) and h[\"bound\"] <= h[\"objective_value\"] + 1e-9
print(end(m), end(c), h[\"objective_value\"], h[\"bound\"])
sys.exit(0 if ok else 1)" c-$p.json m-$p.json || return 1
	done
'

test_expect_success 'a mix weighs kg and hours' '
	expect_code 0 $SOLVE --policy search --weights carbon=1,makespan=0.1 \
		-o mix.json $S/jobs.json &&
	$CHECK $S/sites.json mix.json $S/jobs.json &&
	test "$(field mix.json objective)" = weighted &&
	python3 -c "
import json, sys
from datetime import datetime
p = json.load(open(sys.argv[1]))
t = lambda s: datetime.fromisoformat(s.replace(\"Z\", \"+00:00\"))
h = (max(t(j[\"end\"]) for j in p[\"jobs\"]) - t(p[\"plan\"][\"start\"]))
want = p[\"totals\"][\"emissions_kg\"] + 0.1 * h.total_seconds() / 3600
v = p[\"plan\"][\"objective_value\"]
sys.exit(0 if abs(v - want) < 1e-6 and p[\"plan\"][\"bound\"] <= v else 1)" mix.json &&
	expect_code 2 $SOLVE --weights carbon=1,speed=2 $S/jobs.json
'

test_done
