#!/bin/sh
# The quickstart pipeline (what `make demo` runs) end to end on its real
# data, and its plans checked by recomputing them from the inputs with an
# independent checker (tests/tools/plan-check.py), not by trusting the
# solver: every window, site and capacity respected, every job's energy
# and emissions what the contract's accounting gives on the carbon
# intensity and temperature the plan assumed, and the milp plan emitting
# less than fifo -- on the forecast it was made on, and on what the grid
# really emitted.
. "$(dirname "$0")/../lib.sh"

Q=$TOP/examples/quickstart
CHECK="python3 $TOP/tests/tools/plan-check.py"

test_expect_success 'the quickstart pipeline runs and writes its report' '
	DEMO_OUT=$TEST_DIR/demo sh $Q/run.sh $GS >demo.out 2>demo.err &&
	test -s demo/report.html &&
	test_grep "^report: .*/demo/report.html$" demo.out &&
	test_grep "saved [0-9.]+ kg \\([0-9.]+%\\) against fifo" demo.out
'

export GREENSLOT_DB=$TEST_DIR/demo/greenslot.db

# the carbon intensity and temperature the plans were made on: the
# forecasts issued last by the plan start (what `solve` documents)
test_expect_success 'export what the plans assumed' '
	$GS series --forecasts --signal carbon_intensity |
		awk -F, "\$5 == \"2021-06-28T00:00:00Z\" && \$6 == \"greenslot\" { print \$1 \",\" \$2 \",\" \$4 }" >ci.body &&
	{ echo time,zone,value; cat ci.body; } >ci.csv &&
	test $(wc -l <ci.body) -eq 144 &&
	$GS series --forecasts --signal temperature |
		awk -F, "\$5 == \"2021-06-27T12:00:00Z\" { print \$1 \",\" \$2 \",\" \$4 }" >t.body &&
	{ echo time,zone,value; cat t.body; } >temp.csv &&
	test $(wc -l <t.body) -eq 72 &&
	$GS series --signal carbon_intensity >actual.all &&
	{ echo time,zone,value; sed 1d actual.all | cut -d, -f1,2,4; } >actual.csv
'

for policy in milp greedy fifo; do
	test_expect_success "the $policy plan passes the independent check" "
		$CHECK --ci ci.csv --temp temp.csv --total $Q/SITES.json demo/plan-$policy.json $Q/JOBS.json >check-$policy &&
		test_grep 'plan-check: 20 jobs placed, 0 unplaced: ok' check-$policy
	"
done

test_expect_success 'the oracle plan passes the check on the recorded values' '
	echo time,zone,value >no-temp.csv &&
	$CHECK --ci actual.csv --temp no-temp.csv $Q/SITES.json demo/plan-oracle.json $Q/JOBS.json
'

total() { sed -n "s/^emissions_kg //p" "$1"; }

test_expect_success 'milp emits less than greedy and fifo on the forecast it was made on' '
	milp=$(total check-milp) && greedy=$(total check-greedy) && fifo=$(total check-fifo) &&
	echo "milp $milp greedy $greedy fifo $fifo" &&
	awk -v m="$milp" -v g="$greedy" -v f="$fifo" "BEGIN { exit !(m <= g && m < f) }"
'

test_expect_success 'milp emits less than fifo on what the grid really emitted' '
	for p in milp fifo; do
		$CHECK --ci actual.csv --temp temp.csv --total --rescore $Q/SITES.json demo/plan-$p.json $Q/JOBS.json >real-$p || return 1
	done &&
	milp=$(total real-milp) && fifo=$(total real-fifo) &&
	echo "recorded: milp $milp fifo $fifo" &&
	awk -v m="$milp" -v f="$fifo" "BEGIN { exit !(m < f) }"
'

test_done
