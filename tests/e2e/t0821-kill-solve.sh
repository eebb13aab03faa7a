#!/bin/sh
# Crash safety of `solve -o`: a SIGKILL while the MILP searches (a long
# --time-limit) leaves the old plan byte-identical, and a SIGKILL at any
# point of a fast solve leaves either the old plan or the whole new one
# (plan_write: a temp file beside it, fsync, rename), never a torn file.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/kill.sh"

S=$FIX/solver
SOLVE="$GS solve --sites $S/sites.json --oracle"
SEED=${KILL_SEED:-20261125}

# 120 jobs on the three sites: the MILP does not finish in seconds
python3 - <<\EOF_PY
import random
import time
rng = random.Random(3)
T0 = 1624838400  # 2021-06-28T00:00:00Z
def fmt(h):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 + h * 3600))
jobs = []
for i in range(120):
    s = rng.randrange(0, 30)
    d = rng.randrange(1, 8)
    e = min(48, s + d + rng.randrange(4, 20))
    res = rng.choice(['"gpu": %d' % rng.choice([2, 4, 8]),
                      '"cpu": %d' % rng.choice([32, 64, 128])])
    jobs.append('  {"id": "j%d", "earliest_start": "%s", "latest_finish": '
                '"%s", "resources": {%s}, "duration": "PT%dH"}'
                % (i, fmt(s), fmt(e), res, d))
with open("jobs.json", "w") as f:
    f.write('{"jobs": [\n' + ",\n".join(jobs) + "\n]}\n")
EOF_PY

# a complete plan of the 120 jobs by policy $2 (exit 0 when it is)
whole_plan() {
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
sys.exit(0 if p["plan"]["policy"] == sys.argv[2] and len(p["jobs"]) == 120 else 1)
' "$1" "$2"
}

test_expect_success 'set up the store and an old plan (fifo)' '
	expect_code 0 $GS ingest --feeds $S/feeds.json &&
	expect_code 0 $SOLVE --policy fifo -o plan.json jobs.json &&
	whole_plan plan.json fifo &&
	cp plan.json old.json
'

# up to 1.2 s into a search of minutes; up to 40 ms into a greedy solve
make_delays $SEED 6 1000 && mv delays milp-delays
make_delays $((SEED + 1)) 20 33 && mv delays fast-delays

test_expect_success 'SIGKILL during the MILP search leaves the old plan byte-identical' '
	for d in $(cat milp-delays); do
		kill_after $d $SOLVE --time-limit 120 -o plan.json jobs.json &&
		test "$(cat rc)" -eq 137 &&
		cmp old.json plan.json || return 1
	done
'

test_expect_success 'SIGKILL at any point of a fast solve: the old plan or the whole new one' '
	: >outcomes &&
	for d in $(cat fast-delays); do
		kill_after $d $SOLVE --policy greedy -o plan.json jobs.json &&
		if cmp -s old.json plan.json; then
			echo "$d $(cat rc) old" >>outcomes
		else
			whole_plan plan.json greedy &&
			echo "$d $(cat rc) new" >>outcomes &&
			cp old.json plan.json || return 1
		fi
	done &&
	cat outcomes
'

test_done
