#!/bin/sh
# t1010-run.sh - `greenslot run` runs a plan's stress-ng jobs, is killed
# with SIGKILL half-way, restarted, and still runs every job exactly once
# with every run in the store's job_run table.
. "$(dirname "$0")/../lib.sh"

# plan.json of jobs "ID START_OFFSET_S COMMAND" (lines on stdin), the
# offsets from now; each job lasts 30 minutes in the plan.
make_plan() {
	python3 -c '
import json, sys, time
now = int(time.time())
def t(s):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s))
jobs = []
for line in sys.stdin:
    i, off, cmd = line.rstrip("\n").split(" ", 2)
    s = now + int(off)
    jobs.append({"id": i, "site": "here", "start": t(s), "end": t(s + 1800),
                 "segments": [{"start": t(s), "end": t(s + 1800)}],
                 "runtime_s": 1800, "energy_kwh": 0, "emissions_kg": 0,
                 "cost": 0, "command": cmd})
print(json.dumps({"plan": {"policy": "fifo", "objective": "carbon",
    "status": "feasible", "slot": "PT30M", "start": t(now), "end": t(now + 86400),
    "oracle": False, "objective_value": 0, "bound": 0, "gap": 0,
    "solve_seconds": 0}, "totals": {"energy_kwh": 0, "emissions_kg": 0,
    "cost": 0, "baseline_emissions_kg": 0}, "jobs": jobs, "unplaced": []}))'
}

# Seconds a runner may take to start before a timed test's first planned
# start: more under valgrind on a loaded machine.
SLOW=0
[ -z "$VG" ] || SLOW=8

# split.json of one job "ID PARTS COMMAND" (line on stdin), PARTS its
# segments as offsets in seconds from now + 1 + $1 (default 0): "1:3,6:8";
# that origin goes to ./t0.
make_split_plan() {
	python3 -c '
import json, sys, time
now = int(time.time()) + 1 + int(sys.argv[1])
open("t0", "w").write("%d\n" % now)
def t(s):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s))
i, parts, cmd = sys.stdin.readline().rstrip("\n").split(" ", 2)
segs = [[now + int(x) for x in p.split(":")] for p in parts.split(",")]
job = {"id": i, "site": "here", "start": t(segs[0][0]), "end": t(segs[-1][1]),
       "segments": [{"start": t(a), "end": t(b)} for a, b in segs],
       "runtime_s": sum(b - a for a, b in segs), "energy_kwh": 0,
       "emissions_kg": 0, "cost": 0, "command": cmd}
print(json.dumps({"plan": {"policy": "milp", "objective": "carbon",
    "status": "feasible", "slot": "PT1S", "start": t(now), "end": t(now + 60),
    "oracle": False, "objective_value": 0, "bound": 0, "gap": 0,
    "solve_seconds": 0}, "totals": {"energy_kwh": 0, "emissions_kg": 0,
    "cost": 0, "baseline_emissions_kg": 0}, "jobs": [job], "unplaced": []}))' "${1:-0}"
}

# waits (at most 30 s) until file $2 has a line matching $1
wait_grep() {
	i=0
	while ! grep -q "$1" "$2"; do
		[ $i -lt 300 ] || { echo "timed out waiting for '$1' in $2"; cat "$2"; return 1; }
		sleep 0.1; i=$((i + 1))
	done
}

# waits (at most 30 s) until file $1 has $2 lines
wait_lines() {
	i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do
		[ $i -lt 300 ] || { echo "timed out waiting for $2 lines in $1"; return 1; }
		sleep 0.1; i=$((i + 1))
	done
}

STRESS="stress-ng --cpu 1 --timeout 2s --quiet"
test_expect_success 'a plan of three stress-ng jobs, already due' '
	command -v stress-ng >/dev/null &&
	make_plan >plan.json <<-EOF
	job-a -30 echo job-a >>ran; $STRESS
	job-b -20 echo job-b >>ran; $STRESS
	job-c -10 echo job-c >>ran; $STRESS
	EOF
'

test_expect_success 'the runner killed with SIGKILL mid-way, then restarted, runs each job once' '
	$GS run --now plan.json 2>run1.err &
	pid=$! &&
	wait_lines ran 2 &&
	kill -9 $pid && { wait $pid; true; } &&
	expect_code 0 $GS run --now --metrics run.prom plan.json &&
	test_grep "^job-b: started by an earlier run that was stopped; marked interrupted, not run again$" err &&
	test_grep "^job-a: already ran \(completed\); skipped$" err &&
	test_grep "^job-c: completed, exit status 0, [0-9]+ s$" err &&
	sort ran >got && printf "job-a\njob-b\njob-c\n" >expect && test_cmp expect got
'

test_expect_success 'every run landed in job_run with its start, end and status' '
	sqlite3 greenslot.db "SELECT substr(id, 1, 5), status, exit_status, site, start <= end, end - start >= 1 FROM job_run WHERE source = '"'"'greenslot-run'"'"' ORDER BY id" >got &&
	printf "%s\n" "job-a|completed|0|here|1|1" "job-b|interrupted||here||" "job-c|completed|0|here|1|1" >expect &&
	test_cmp expect got &&
	test_grep "^greenslot_run_jobs\{status=\"completed\"\} 1$" run.prom &&
	test_grep "^greenslot_run_jobs\{status=\"interrupted\"\} 1$" run.prom &&
	test_grep "^greenslot_run_success 1$" run.prom
'

test_expect_success 'a third run runs nothing' '
	expect_code 0 $GS run plan.json &&
	test $(grep -c "skipped$" err) -eq 3 && test $(wc -l <ran) -eq 3
'

test_expect_success '--sites checks the plan'"'"'s sites; --site selects one' '
	echo "{\"sites\": [{\"id\": \"elsewhere\", \"zone\": \"X\", \"capacity\": {\"cpu\": 1}, \"power_w\": {\"cpu\": 1}, \"pue\": 1}]}" >sites.json &&
	expect_code 2 $GS run --sites sites.json plan.json &&
	test_grep "^greenslot: plan.json: job .job-a. is planned at site .here., which is not in sites.json$" err &&
	expect_code 0 $GS run --site elsewhere plan.json &&
	test_grep "^greenslot: warning: no job of plan.json is planned at site .elsewhere.$" err &&
	test $(wc -l <ran) -eq 3
'

test_expect_success 'jobs wait for their planned start; a failing job fails the run' '
	make_plan >later.json <<-\EOF &&
	late-1 2 date +%s >late.start
	bad-1 -5 exit 7
	EOF
	before=$(date +%s) &&
	expect_code 1 $GS run later.json &&
	test $(cat late.start) -ge $((before + 1)) &&
	test_grep "^bad-1: failed, exit status 7, " err &&
	sqlite3 greenslot.db "SELECT status, exit_status FROM job_run WHERE id LIKE '"'"'bad-1@%'"'"'" >got &&
	echo "failed|7" >expect && test_cmp expect got
'

test_expect_success 'SIGTERM: no new job starts, the running one finishes and is recorded' '
	make_plan >term.json <<-\EOF &&
	t-1 -1 echo t-1 >>term.ran; sleep 2; echo done >>term.ran
	t-2 3600 echo t-2 >>term.ran
	EOF
	$GS run term.json 2>term.err &
	pid=$! &&
	wait_lines term.ran 1 &&
	kill -TERM $pid &&
	{ wait $pid && rc=0 || rc=$?; } && test $rc -eq 1 &&
	printf "t-1\ndone\n" >expect && test_cmp expect term.ran &&
	test_grep "^terminated: starting no more jobs; waiting for 1 running" term.err &&
	sqlite3 greenslot.db "SELECT count(*) FROM job_run WHERE id LIKE '"'"'t-2@%'"'"'" >got &&
	echo 0 >expect && test_cmp expect got
'

test_expect_success 'a second runner on the same store exits 1 and leaves the first one'"'"'s job alone' '
	make_plan >lock.json <<-\EOF &&
	l-1 -1 echo l-1 >>lock.ran; sleep 3; echo done >>lock.ran
	EOF
	$GS run lock.json 2>lock.err &
	pid=$! &&
	wait_lines lock.ran 1 &&
	expect_code 1 $GS run lock.json &&
	test_grep "^greenslot: another .greenslot run. is running on store .greenslot.db. \(it holds .greenslot.db.run.lock.\); one runner per store$" err &&
	test $(wc -l <err) -eq 1 &&
	expect_code 1 $GS run --now plan.json &&
	wait $pid &&
	printf "l-1\ndone\n" >expect && test_cmp expect lock.ran &&
	sqlite3 greenslot.db "SELECT status FROM job_run WHERE id LIKE '"'"'l-1@%'"'"'" >got &&
	echo completed >expect && test_cmp expect got &&
	expect_code 0 $GS run lock.json &&
	test_grep "^l-1: already ran \(completed\); skipped$" err
'

# A fake powercap tree whose package counter the jobs themselves advance:
# a and b overlap and a adds 10 J while both run, c alone adds 6 J.
test_expect_success 'run --powercap: the host energy of each interval is split among the jobs running in it' '
	mkdir -p pc/intel-rapl:0 pc/intel-rapl:0:0 &&
	echo 0 >pc/intel-rapl:0/energy_uj &&
	echo 262143328850 >pc/intel-rapl:0/max_energy_range_uj &&
	echo 999999999 >pc/intel-rapl:0:0/energy_uj &&
	make_plan >energy.json <<-EOF &&
	en-a -2 sleep 1; echo 10000000 >pc/intel-rapl:0/energy_uj; sleep 1
	en-b -1 sleep 3
	en-c $((5 + SLOW)) echo 16000000 >pc/intel-rapl:0/energy_uj; sleep 0.5
	EOF
	expect_code 0 $GS run --powercap pc --metrics energy.prom energy.json &&
	sqlite3 greenslot.db "SELECT substr(id, 1, 4), round(energy_kwh * 3.6e6, 3) FROM job_run WHERE id LIKE '"'"'en-%'"'"' ORDER BY id" >got &&
	printf "%s\n" "en-a|5.0" "en-b|5.0" "en-c|6.0" >expect &&
	test_cmp expect got &&
	test_grep "^greenslot_run_energy_kwh 4\.4444[0-9]*e-06$" energy.prom
'

test_expect_success 'without counters the energy is unknown (NULL)' '
	make_plan >noenergy.json <<-\EOF &&
	ne-a -1 true
	EOF
	expect_code 0 $GS run --powercap nowhere noenergy.json &&
	sqlite3 greenslot.db "SELECT energy_kwh IS NULL FROM job_run WHERE id LIKE '"'"'ne-a@%'"'"'" >got &&
	echo 1 >expect && test_cmp expect got
'

# A job planned in two parts of 2 s with 3 s between them, which ticks
# every 0.25 s for 4 s of work: no tick may fall in the gap.
TICK='i=0; while [ $i -lt 16 ]; do date +%s.%N >>ticks; sleep 0.25; i=$((i+1)); done'
test_expect_success 'a job in parts is paused (SIGSTOP) between them and resumed (SIGCONT)' '
	echo "split-1 1:3,6:8 $TICK" | make_split_plan $SLOW >split.json &&
	expect_code 0 $GS run split.json &&
	t0=$(cat t0) &&
	test_grep "^split-1: part 1 of 2 ended: paused until [0-9T:-]+Z$" err &&
	test_grep "^split-1: resumed for part 2 of 2$" err &&
	test_grep "^split-1: completed, exit status 0, [3-6] s$" err &&
	awk -v t0=$t0 "
		\$1 >= t0 + 0.9 && \$1 < t0 + 3.3 { a++ }
		\$1 >= t0 + 3.3 && \$1 < t0 + 5.9 { print \"tick in the gap: \" \$1 - t0; bad = 1 }
		\$1 >= t0 + 5.9 { b++ }
		\$1 < t0 + 0.9 { print \"tick before the start: \" \$1 - t0; bad = 1 }
		END { if (a < 4 || b < 4) { print \"ticks in parts: \" a \", \" b; bad = 1 }; exit bad }" ticks &&
	test $(wc -l <ticks) -eq 16 &&
	sqlite3 greenslot.db "SELECT status, runtime_s BETWEEN 3 AND 6, end - start >= 6 FROM job_run WHERE id LIKE '"'"'split-1@%'"'"'" >got &&
	echo "completed|1|1" >expect && test_cmp expect got
'

test_expect_success 'a runner killed in a job'"'"'s pause never runs it again' '
	rm -f ticks &&
	echo "split-2 1:2,5:7 echo \$\$ >split2.pid; $TICK" | make_split_plan $SLOW >split2.json &&
	$GS run split2.json 2>split2.err &
	pid=$! &&
	wait_grep "paused until" split2.err &&
	kill -9 $pid && { wait $pid; true; } &&
	i=0 && while kill -0 $(cat split2.pid) 2>/dev/null; do
		[ $i -lt 50 ] || { echo "the stopped job outlived its runner"; exit 1; }
		sleep 0.1; i=$((i + 1))
	done &&
	n=$(wc -l <ticks) &&
	expect_code 0 $GS run split2.json &&
	test_grep "^split-2: started by an earlier run that was stopped; marked interrupted, not run again$" err &&
	sleep $(($(cat t0) + 6 - $(date +%s))) &&
	test $(wc -l <ticks) -eq $n &&
	sqlite3 greenslot.db "SELECT status FROM job_run WHERE id LIKE '"'"'split-2@%'"'"'" >got &&
	echo interrupted >expect && test_cmp expect got
'

test_expect_success 'a second SIGTERM wakes a paused job to end it' '
	echo "term-p 1:2,40:41 $TICK" | make_split_plan >termp.json &&
	$GS run termp.json 2>termp.err &
	pid=$! &&
	wait_grep "paused until" termp.err &&
	kill -TERM $pid && sleep 0.3 && kill -TERM $pid &&
	{ wait $pid && rc=0 || rc=$?; } && test $rc -eq 1 &&
	test $(date +%s) -lt $(($(cat t0) + 20)) &&
	test_grep "^term-p: failed, exit status 143, [0-9]+ s$" termp.err &&
	sqlite3 greenslot.db "SELECT status, exit_status FROM job_run WHERE id LIKE '"'"'term-p@%'"'"'" >got &&
	echo "failed|143" >expect && test_cmp expect got
'

test_expect_success 'a runner started in a job'"'"'s gap waits for its next part; --now runs it whole' '
	echo "gap-1 -4:-2,2:3 date +%s >gap.start" | make_split_plan >gap.json &&
	expect_code 0 $GS run gap.json &&
	test $(cat gap.start) -ge $(($(cat t0) + 2)) &&
	test_grep "^gap-1: completed, exit status 0, [0-9]+ s$" err &&
	! grep -q paused err &&
	echo "now-1 -1:1,30:31 sleep 2; echo done >now.done" | make_split_plan >now.json &&
	expect_code 0 $GS run --now now.json &&
	test -e now.done && ! grep -q paused err
'

test_expect_success 'a job without a command, or with parts out of order, is invalid input (exit 2)' '
	sed "s/\"command\": \"exit 7\"/\"command\": null/" later.json >nocmd.json &&
	expect_code 2 $GS run nocmd.json &&
	test_grep "job '"'"'bad-1'"'"' has no command" err &&
	echo "back-1 5:6,1:2 true" | make_split_plan >back.json &&
	expect_code 2 $GS run back.json &&
	test_grep "^greenslot: job .back-1.: segment 2 starts before the one before it ends, or ends before it starts$" err
'

test_done
