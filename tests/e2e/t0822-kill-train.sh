#!/bin/sh
# Crash safety of `train` (issue 8): SIGKILL at many points of training on
# a large history (20,000 runs) never corrupts the store, never leaves a
# run row that a clean run would not store, never loses a row stored
# before the kill, and a rerun completes the runs without duplicates,
# equal to a clean single run.
#
# Until `train` is implemented (it answers "'train' is not implemented
# yet") every test here is skipped with that reason; once it exists they
# run, and the clean run must store the runs in the job_run table.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/kill.sh"

ROUNDS=${KILL_ROUNDS:-6}
SEED=${KILL_SEED:-20261125}
# under valgrind (VG) a tenth of the runs: the same kills and checks, at a
# cost CI can pay for the whole suite
RUNS=20000
[ -z "$VG" ] || RUNS=2000
export RUNS

python3 - 2>py.err <<\EOF_PY
import os
import random
import time
rng = random.Random(5)
T0 = 1672531200  # 2023-01-01T00:00:00Z
def fmt(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
with open("hist.csv", "w") as f:
    f.write("id,start,end,site,status\n")
    t = T0
    for i in range(int(os.environ["RUNS"])):
        t += rng.randrange(10, 600)
        run = rng.randrange(60, 36000)
        f.write("run-%d,%s,%s,%s,completed\n" % (
            i, fmt(t), fmt(t + run), rng.choice(["a", "b", "c"])))
EOF_PY

printf 'id,runtime_s\nprobe,60\n' >probe.csv
$GS train --db probe.db probe.csv >/dev/null 2>probe.err
if grep -q "not implemented" probe.err; then
	echo "ok 1 # SKIP train is not implemented yet: $(cat probe.err)"
	echo "1..1"
	exit 0
fi

# the stored runs, one line each
contents() {
	has_table "$1" job_run || return 0
	sql "$1" "SELECT * FROM job_run ORDER BY source, id" | sort
}

test_expect_success "a clean run stores the $RUNS runs" '
	clean_run $GS train --db clean.db hist.csv &&
	test $(wc -l <full) -eq $RUNS
'

make_delays $SEED $((ROUNDS * 2)) "$(cat clean-ms 2>/dev/null || echo 500)"

test_expect_success "SIGKILL at $ROUNDS points of training, then again over the partial store" '
	kill_rounds $ROUNDS k.db $GS train --db k.db hist.csv &&
	cat killed &&
	test $(wc -l <killed) -ge $((ROUNDS / 2))
'

test_expect_success 'after the kills: no duplicate runs, a model to predict with' '
	test "$(sql k.db "SELECT count(*) FROM job_run")" -eq $RUNS &&
	test "$(sql k.db "SELECT count(*) FROM (SELECT DISTINCT source, id FROM job_run)")" -eq $RUNS &&
	test "$(sql k.db "SELECT count(*) FROM model")" -ge 1
'

test_done
