#!/bin/sh
# t1000-export.sh - `greenslot export` to every format.  The scripts are
# run with fake sbatch, at and systemd-run on PATH that record the
# arguments (and stdin, and TZ) they get, so the tests see exactly what
# the real tools would: the right times, and each hostile command back
# byte for byte, never run by the export itself.
. "$(dirname "$0")/../lib.sh"

S=$FIX/solver

# A plan by the real solver: two jobs with commands, one without.
test_expect_success 'solve copies each job'"'"'s command into the plan' '
	expect_code 0 $GS ingest -q --feeds $S/feeds.json --metrics ingest.prom &&
	test ! -s out &&
	cat >sites.json <<-\EOF &&
	{"sites": [{"id": "tx", "zone": "ERCO", "capacity": {"cpu": 8},
	  "power_w": {"cpu": 10}, "pue": 1.1,
	  "slurm": {"cluster": "texas", "partition": "batch"}},
	 {"id": "ca", "zone": "CISO", "capacity": {"cpu": 8},
	  "power_w": {"cpu": 10}, "pue": 1.1}]}
	EOF
	cat >jobs.json <<-\EOF &&
	{"jobs": [
	 {"id": "etl-1", "earliest_start": "2021-06-28T00:00:00Z",
	  "latest_finish": "2021-06-29T00:00:00Z", "resources": {"cpu": 4},
	  "duration": "PT2H", "sites": ["tx"], "command": "make etl DAY=1"},
	 {"id": "Render Frames#2", "earliest_start": "2021-06-28T00:00:00Z",
	  "latest_finish": "2021-06-29T00:00:00Z", "resources": {"cpu": 4},
	  "duration": "PT1H", "sites": ["ca"],
	  "command": "blender -b scene.blend -a"}]}
	EOF
	expect_code 0 $GS solve --sites sites.json --oracle --policy greedy \
		--metrics solve.prom -o plan.json jobs.json &&
	test_grep "\"command\": \"make etl DAY=1\"" plan.json &&
	test_grep "\"command\": \"blender -b scene.blend -a\"" plan.json
'

test_expect_success 'ingest and solve wrote Prometheus textfile metrics' '
	test_grep "^greenslot_ingest_points\{feed=\"erco\"\} 144$" ingest.prom &&
	test_grep "^greenslot_ingest_feed_success\{feed=\"ciso\"\} 1$" ingest.prom &&
	test_grep "^greenslot_ingest_success 1$" ingest.prom &&
	test_grep "^greenslot_ingest_last_success_timestamp_seconds [0-9]+$" ingest.prom &&
	test_grep "^# TYPE greenslot_solve_savings_kg gauge$" solve.prom &&
	test_grep "^greenslot_solve_jobs\{placement=\"placed\"\} 2$" solve.prom &&
	test_grep "^greenslot_solve_emissions_kg\{policy=\"greedy\"\} [0-9.e-]+$" solve.prom &&
	test $(grep -c "^# HELP greenslot_solve_jobs " solve.prom) -eq 1
'

test_expect_success 'a failed ingest keeps the last success time in the metrics' '
	old=$(sed -n "s/^greenslot_ingest_last_success_timestamp_seconds //p" ingest.prom) &&
	echo "{\"feeds\": [{\"name\": \"gone\", \"kind\": \"csv\", \"url\": \"nowhere.csv\", \"zone\": \"X\"}]}" >bad-feeds.json &&
	expect_code 1 $GS ingest -q --feeds bad-feeds.json --metrics ingest.prom &&
	test ! -s out && test_grep "nowhere.csv" err &&
	test_grep "^greenslot_ingest_success 0$" ingest.prom &&
	test_grep "^greenslot_ingest_last_success_timestamp_seconds $old$" ingest.prom &&
	test_grep "^greenslot_ingest_feed_success\{feed=\"gone\"\} 0$" ingest.prom &&
	test_grep "^greenslot_ingest_feed_success\{feed=\"erco\"\} 1$" ingest.prom
'

# Plans for export: jobs (id, site, parts as (start, end), command,
# runtime_s), the plan around them the same each time.
cat >planlib.py <<\EOF
import json
def job(i, site, parts, cmd, runtime=0):
    return {"id": i, "site": site, "start": parts[0][0], "end": parts[-1][1],
            "segments": [{"start": s, "end": e} for s, e in parts],
            "runtime_s": runtime, "energy_kwh": 0, "emissions_kg": 0,
            "cost": 0, "command": cmd}
def write_plan(path, jobs, unplaced=()):
    plan = {"plan": {"policy": "milp", "objective": "carbon",
                     "status": "optimal", "slot": "PT30M",
                     "start": min(j["start"] for j in jobs),
                     "end": max(j["end"] for j in jobs), "oracle": False,
                     "objective_value": 0, "bound": 0, "gap": 0,
                     "solve_seconds": 0},
            "totals": {"energy_kwh": 0, "emissions_kg": 0, "cost": 0,
                       "baseline_emissions_kg": 0},
            "jobs": jobs, "unplaced": list(unplaced)}
    json.dump(plan, open(path, "w"))
EOF

# Fake tools: each records its arguments, one per line, then a separator.
mkdir -p bin
cat >bin/sbatch <<\EOF
#!/bin/sh
{ echo "TZ=$TZ"; for a; do printf '%s\n' "$a"; done; echo ==; } >>sbatch.log
EOF
cat >bin/at <<\EOF
#!/bin/sh
{ echo "TZ=$TZ"; for a; do printf '%s\n' "$a"; done; echo "stdin:"; cat; echo ==; } >>at.log
EOF
cat >bin/systemd-run <<\EOF
#!/bin/sh
{ for a; do printf '%s\n' "$a"; done; echo ==; } >>systemd.log
EOF
chmod +x bin/sbatch bin/at bin/systemd-run

# The hostile plan: quotes, $(), backticks, backslashes, a newline...
HOSTILE='echo '"'"'it'"'"'"s" $(touch pwned1) `touch pwned2` \\ $HOME; rm -f nothing
second line'"'"''
# and characters YAML forbids or reads as line breaks: DEL, U+0085 (NEL,
# a C1 control), U+2028; and one beyond the BMP
HOSTILE="$HOSTILE$(printf ' del:\177 nel:\302\205 c1:\302\233 ls:\342\200\250 \360\237\214\261')"
test_expect_success 'a plan with hostile commands' '
	python3 - "$HOSTILE" <<-\EOF
	import sys
	from planlib import job, write_plan
	write_plan("hostile.json",
	           [job("Evil Job", "tx", [("2026-11-25T20:30:00Z", "2026-11-25T22:00:00Z")],
	                sys.argv[1]),
	            job("etl-1", "ca", [("2026-11-25T18:00:00Z", "2026-11-25T18:30:00Z")],
	                "make etl")],
	           [{"id": "late", "reason": "no slot\ntouch pwned3"}])
	EOF
	printf "%s\n" "$HOSTILE" >hostile.expect
'

# the fake log's lines between a line $2 and the next "==" (or "stdin:")
arg_after() {
	awk -v k="$2" '$0 == "==" || $0 == "stdin:" { p = 0 } p { print } index($0, k) == 1 { p = 1; sub("^" k, ""); print }' "$1"
}

test_expect_success 'slurm: sbatch lines parse, carry --begin in TZ and the site'"'"'s cluster' '
	expect_code 0 $GS export --format slurm --sites sites.json --tz EST5 -o slurm.sh hostile.json &&
	sh -n slurm.sh &&
	test_grep "^TZ='"'"'EST5'"'"' sbatch --job-name='"'"'etl-1'"'"' --begin=2026-11-25T13:00:00 --deadline=2026-11-25T13:30:00 --time=30 --wrap=" slurm.sh &&
	test_grep "sbatch --job-name='"'"'Evil Job'"'"' --begin=2026-11-25T15:30:00 --deadline=2026-11-25T17:00:00 --time=90 --clusters='"'"'texas'"'"' --partition='"'"'batch'"'"' --wrap=" slurm.sh &&
	test_grep "^# not placed: late: no slot touch pwned3$" slurm.sh &&
	PATH=$TEST_DIR/bin:$PATH sh slurm.sh &&
	test ! -e pwned1 && test ! -e pwned2 && test ! -e pwned3 &&
	test $(grep -c "^TZ=EST5$" sbatch.log) -eq 2 &&
	awk "/^==\$/ { n++; next } n == 1" sbatch.log >second.log &&
	arg_after second.log --wrap= >wrap.got &&
	test_cmp hostile.expect wrap.got
'

test_expect_success 'slurm: --slack moves --deadline; without --tz, $TZ names the zone' '
	expect_code 0 env TZ=UTC $GS export --format slurm --slack PT1H hostile.json &&
	test_grep "^TZ='"'"'UTC'"'"' sbatch --job-name='"'"'etl-1'"'"' --begin=2026-11-25T18:00:00 --deadline=2026-11-25T19:30:00 " out
'

test_expect_success 'at: times match the plan in the local zone, commands exact' '
	expect_code 0 env TZ=Europe/Paris $GS export --format at -o at.sh hostile.json &&
	sh -n at.sh &&
	for t in 2026-11-25T18:00:00Z 2026-11-25T20:30:00Z; do
		want=$(TZ=Europe/Paris date -d "$t" +%Y%m%d%H%M.%S) &&
		test_grep "at -t $want\$" at.sh || return 1
	done &&
	PATH=$TEST_DIR/bin:$PATH sh at.sh &&
	test ! -e pwned1 && test ! -e pwned2 &&
	test $(grep -c "^TZ=Europe/Paris$" at.log) -eq 2 &&
	awk "/^==\$/ { n++; next } n == 1" at.log >second.log &&
	sed "1,/^stdin:\$/d" second.log >stdin.got &&
	test_cmp hostile.expect stdin.got
'

test_expect_success 'systemd: transient timers at the UTC start, command as one argument' '
	expect_code 0 $GS export --format systemd -o systemd.sh hostile.json &&
	sh -n systemd.sh &&
	PATH=$TEST_DIR/bin:$PATH sh systemd.sh &&
	test ! -e pwned1 && test ! -e pwned2 &&
	awk "/^==\$/ { n++; next } n == 1" systemd.log >second.log &&
	printf "%s\n" "--unit=greenslot-Evil\\x20Job" "--on-calendar=2026-11-25 20:30:00 UTC" \
		"--timer-property=AccuracySec=1s" -- /bin/sh -c >expect &&
	head -n 6 second.log >got && test_cmp expect got &&
	sed 1,6d second.log >cmd.got && test_cmp hostile.expect cmd.got
'

test_expect_success 'kubernetes: the YAML parses, suspended Jobs with DNS-1123 names' '
	expect_code 0 $GS export --format kubernetes --namespace batch -o k8s.yaml hostile.json &&
	python3 - "$HOSTILE" <<-\EOF
	import re, sys, yaml
	docs = [d for d in yaml.safe_load_all(open("k8s.yaml")) if d]
	assert len(docs) == 2, docs
	names = [d["metadata"]["name"] for d in docs]
	for d, n in zip(docs, names):
	    assert d["kind"] == "Job" and d["spec"]["suspend"] is True
	    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", n) and len(n) <= 63, n
	    assert d["metadata"]["namespace"] == "batch"
	assert names[0] == "greenslot-etl-1", names
	evil = docs[1]
	assert evil["metadata"]["annotations"]["greenslot.io/planned-start"] == "2026-11-25T20:30:00Z"
	assert evil["metadata"]["annotations"]["greenslot.io/job-id"] == "Evil Job"
	assert evil["metadata"]["labels"]["greenslot.io/site"] == "tx"
	c = evil["spec"]["template"]["spec"]["containers"][0]["command"]
	assert c == ["/bin/sh", "-c", sys.argv[1]], c
	EOF
'

test_expect_success 'json and csv carry every field and the command exact' '
	expect_code 0 $GS export --format json -o plan-export.json hostile.json &&
	expect_code 0 $GS export --format csv -o plan-export.csv hostile.json &&
	python3 - "$HOSTILE" <<-\EOF
	import csv, json, sys
	j = json.load(open("plan-export.json"))["jobs"]
	assert [x["id"] for x in j] == ["etl-1", "Evil Job"]
	assert j[1]["command"] == sys.argv[1] and j[1]["runtime_s"] == 5400
	assert j[1]["start"] == "2026-11-25T20:30:00Z" and j[1]["site"] == "tx"
	rows = list(csv.DictReader(open("plan-export.csv", newline="")))
	assert rows[1]["command"] == sys.argv[1] and rows[1]["id"] == "Evil Job"
	assert rows[0]["end"] == "2026-11-25T18:30:00Z"
	EOF
'

# An interruptible job in three parts of 3 h over 30 h, and a whole one.
test_expect_success 'a plan with a job in parts' '
	python3 - <<-\EOF
	from planlib import job, write_plan
	parts = [("2026-11-25T18:00:00Z", "2026-11-25T21:00:00Z"),
	         ("2026-11-26T06:00:00Z", "2026-11-26T09:00:00Z"),
	         ("2026-11-26T21:00:00Z", "2026-11-27T00:00:00Z")]
	write_plan("split.json",
	           [job("split", "tx", parts, "train --resume", 32400),
	            job("whole", "tx", [("2026-11-25T19:00:00Z", "2026-11-25T20:00:00Z")],
	                "make whole", 3600)])
	EOF
'

test_expect_success 'json and csv: runtime_s is the plan'"'"'s, the parts listed' '
	expect_code 0 $GS export --format json -o split-export.json split.json &&
	test ! -s err &&
	expect_code 0 $GS export --format csv -o split-export.csv split.json &&
	python3 - <<-\EOF
	import csv, json
	j = {x["id"]: x for x in json.load(open("split-export.json"))["jobs"]}
	assert j["split"]["runtime_s"] == 32400, j["split"]
	assert j["whole"]["runtime_s"] == 3600, j["whole"]
	assert [s["start"] for s in j["split"]["segments"]] == [
	    "2026-11-25T18:00:00Z", "2026-11-26T06:00:00Z",
	    "2026-11-26T21:00:00Z"], j["split"]
	assert j["split"]["end"] == "2026-11-27T00:00:00Z"
	rows = {r["id"]: r for r in csv.DictReader(open("split-export.csv", newline=""))}
	assert rows["split"]["runtime_s"] == "32400", rows
	assert rows["split"]["segments"] == ("2026-11-25T18:00:00Z/2026-11-25T21:00:00Z "
	    "2026-11-26T06:00:00Z/2026-11-26T09:00:00Z "
	    "2026-11-26T21:00:00Z/2026-11-27T00:00:00Z"), rows
	assert rows["whole"]["segments"] == "2026-11-25T19:00:00Z/2026-11-25T20:00:00Z"
	EOF
'

test_expect_success 'slurm: a job in parts gets --time of its runtime, a comment and a warning' '
	expect_code 0 $GS export --format slurm --tz UTC -o split.sh split.json &&
	sh -n split.sh &&
	test_grep "sbatch --job-name='"'"'split'"'"' --begin=2026-11-25T18:00:00 --deadline=2026-11-27T00:00:00 --time=540 " split.sh &&
	test_grep "^# job .split. is planned in 3 parts \(2026-11-25T18:00:00Z/2026-11-25T21:00:00Z 2026-11-26T06:00:00Z/2026-11-26T09:00:00Z 2026-11-26T21:00:00Z/2026-11-27T00:00:00Z\); slurm cannot pause it: it runs its parts back to back from the first part.s start \(32400 s\)$" split.sh &&
	test $(grep -c "^# job" split.sh) -eq 1 &&
	test_grep "^greenslot: warning: job .split. is planned in 3 parts .*slurm cannot pause it" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'at, systemd, kubernetes: the parts as a comment (annotation) and a warning' '
	for f in at systemd; do
		expect_code 0 $GS export --format $f -o split-$f.sh split.json &&
		test_grep "^# job .split. is planned in 3 parts .*; $f cannot pause it" split-$f.sh &&
		test_grep "^greenslot: warning: job .split. .*$f cannot pause it" err || return 1
	done &&
	expect_code 0 $GS export --format kubernetes -o split.yaml split.json &&
	test_grep "^greenslot: warning: job .split. .*kubernetes cannot pause it" err &&
	python3 - <<-\EOF
	import yaml
	docs = {d["metadata"]["annotations"]["greenslot.io/job-id"]: d
	        for d in yaml.safe_load_all(open("split.yaml")) if d}
	a = docs["split"]["metadata"]["annotations"]
	assert a["greenslot.io/planned-parts"].split(" ")[1] == \
	    "2026-11-26T06:00:00Z/2026-11-26T09:00:00Z", a
	assert "greenslot.io/planned-parts" not in docs["whole"]["metadata"]["annotations"]
	EOF
'

# Jobs around Europe/Paris's clock changes: 2026-10-25 01:00Z the clocks
# go back from 03:00 to 02:00 (02:30 comes twice: 00:30Z and 01:30Z);
# 2026-03-29 01:00Z they go forward from 02:00 to 03:00.
test_expect_success 'a plan across the clock changes of Europe/Paris' '
	python3 - <<-\EOF
	from planlib import job, write_plan
	def j(i, s, e):
	    return job(i, "tx", [(s, e)], "echo " + i)
	write_plan("dst.json",
	           [j("spring", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"),
	            j("before", "2026-10-24T23:30:00Z", "2026-10-25T00:40:00Z"),
	            j("first-0230", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z"),
	            j("second-0230", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z"),
	            j("after", "2026-10-25T03:00:00Z", "2026-10-25T03:30:00Z")])
	EOF
'

# the instant a fake tool's TZ and wall-clock time ($2 VALUE) stand for
instants() {
	awk -v k="$2" '/^TZ=/ { tz = substr($0, 4) } index($0, k) == 1 { print tz, substr($0, length(k) + 1) }' "$1" |
	while read -r tz t; do
		t=$(echo "$t" | sed -E "s/^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})\.([0-9]{2})\$/\1-\2-\3T\4:\5:\6/") &&
		s=$(TZ=$tz date -d "$(echo "$t" | tr T " ")" +%s) &&
		date -u -d "@$s" +%Y-%m-%dT%H:%M:%SZ || return 1
	done
}

test_expect_success 'at across clock changes: a repeated wall-clock time is written in UTC, every time exact' '
	rm -f at.log &&
	expect_code 0 $GS export --format at --tz Europe/Paris -o dst-at.sh dst.json &&
	test_grep "^printf .* TZ='"'"'UTC'"'"' at -t 202610250030.00$" dst-at.sh &&
	test_grep "^printf .* TZ='"'"'UTC'"'"' at -t 202610250130.00$" dst-at.sh &&
	test_grep "^printf .* TZ='"'"'Europe/Paris'"'"' at -t 202610250400.00$" dst-at.sh &&
	test_grep "^printf .* TZ='"'"'Europe/Paris'"'"' at -t 202603290300.00$" dst-at.sh &&
	test $(grep -c "TZ='"'"'UTC'"'"'" dst-at.sh) -eq 2 &&
	test_grep "^greenslot: warning: 2026-10-25T02:30:00 in TZ=Europe/Paris \(for job .first-0230., 2026-10-25T00:30:00Z\) is ambiguous" err &&
	test_grep "^greenslot: warning: .*job .second-0230." err &&
	test $(wc -l <err) -eq 2 &&
	PATH=$TEST_DIR/bin:$PATH sh dst-at.sh &&
	awk "/^-t\$/ { getline; print \"-t\" \$0; next } { print }" at.log >at-flat.log &&
	instants at-flat.log -t >got &&
	printf "%s\n" 2026-03-29T01:00:00Z 2026-10-24T23:30:00Z 2026-10-25T00:30:00Z \
		2026-10-25T01:30:00Z 2026-10-25T03:00:00Z >expect &&
	test_cmp expect got
'

test_expect_success 'slurm across clock changes: --begin and --deadline exact, never out of order' '
	rm -f sbatch.log &&
	expect_code 0 $GS export --format slurm --tz Europe/Paris -o dst-slurm.sh dst.json &&
	test_grep "^TZ='"'"'UTC'"'"' sbatch --job-name='"'"'before'"'"' --begin=2026-10-24T23:30:00 --deadline=2026-10-25T00:40:00 " dst-slurm.sh &&
	test_grep "^TZ='"'"'UTC'"'"' sbatch --job-name='"'"'second-0230'"'"' --begin=2026-10-25T01:30:00 --deadline=2026-10-25T02:00:00 " dst-slurm.sh &&
	test $(grep -c "^TZ='"'"'UTC'"'"'" dst-slurm.sh) -eq 3 &&
	test $(wc -l <err) -eq 3 &&
	PATH=$TEST_DIR/bin:$PATH sh dst-slurm.sh &&
	instants sbatch.log --begin= >begin.got &&
	instants sbatch.log --deadline= >deadline.got &&
	printf "%s\n" 2026-03-29T01:00:00Z 2026-10-24T23:30:00Z 2026-10-25T00:30:00Z \
		2026-10-25T01:30:00Z 2026-10-25T03:00:00Z >expect &&
	test_cmp expect begin.got &&
	printf "%s\n" 2026-03-29T01:30:00Z 2026-10-25T00:40:00Z 2026-10-25T01:00:00Z \
		2026-10-25T02:00:00Z 2026-10-25T03:30:00Z >expect &&
	test_cmp expect deadline.got
'

test_expect_success 'an unknown --tz (or $TZ) is refused (exit 2), not read as UTC' '
	expect_code 2 $GS export --format at --tz Mars/Olympus -o mars.sh dst.json &&
	test_grep "^greenslot: --tz: unknown time zone .Mars/Olympus." err &&
	test ! -e mars.sh && test ! -s out &&
	expect_code 2 env TZ=Mars/Olympus $GS export --format slurm dst.json &&
	test_grep "^greenslot: \\\$TZ: unknown time zone .Mars/Olympus." err &&
	expect_code 2 $GS export --format at --tz Europe dst.json &&
	expect_code 0 $GS export --format at --tz EST5EDT dst.json &&
	expect_code 0 $GS export --format at --tz "<+03>-3" dst.json
'

test_expect_success 'a job without a command fails the scheduler formats (exit 2), not json' '
	sed "s/\"command\": \"make etl\"/\"command\": null/" hostile.json >nocmd.json &&
	expect_code 2 $GS export --format at nocmd.json &&
	test_grep "^greenslot: nocmd.json: job '"'"'etl-1'"'"' has no command" err &&
	expect_code 0 $GS export --format json nocmd.json
'

test_expect_success 'usage errors: unknown format, no format, a bad slurm key' '
	expect_code 2 $GS export --format pbs hostile.json &&
	test_grep "unknown --format '"'"'pbs'"'"'" err &&
	expect_code 2 $GS export hostile.json &&
	sed "s/\"partition\"/\"queue\"/" sites.json >bad-sites.json &&
	expect_code 2 $GS export --format slurm --sites bad-sites.json hostile.json &&
	test_grep "^greenslot: bad-sites.json:3:[0-9]+: unknown key .slurm\.queue. in site .tx." err
'

test_done
