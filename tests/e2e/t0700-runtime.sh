#!/bin/sh
# t0700-runtime.sh - greenslot train and predict on a slice of a real HPC
# log (the first 1200 jobs of the KTH SP2 SWF log) plus a greenslot CSV:
# what is stored, re-training as an upsert, predict --runs replaying the
# file in submit order, predictions for job specs, and solve planning a
# job without a duration on its predicted P90.
. "$(dirname "$0")/../lib.sh"

R=$FIX/runtime
S=$FIX/solver
SWF=$R/kth-slice.swf.gz
sq="'"

test_expect_success 'a bad history is refused before a store is created' '
	printf "id,runtime_s\na,-5\n" >bad.csv &&
	expect_code 2 $GS train --db bad.db bad.csv &&
	test_cmp - err <<-EOF &&
	greenslot: bad.csv:2:3: ${sq}runtime_s${sq} must be non-negative
	EOF
	! test -e bad.db
'

test_expect_success 'predict without a trained model says so' '
	expect_code 0 $GS ingest --db fresh.db --feeds $S/feeds.json &&
	expect_code 2 $GS predict --db fresh.db --runs $SWF &&
	test_grep "^greenslot: no trained runtime model in .fresh.db." err
'

test_expect_success 'train stores the runs of an SWF log and a CSV' '
	expect_code 0 $GS train $SWF $R/runs.csv &&
	test_grep "kth-slice.swf.gz: 1200 runs \(swf\)" err &&
	test_grep "runs.csv: 3 runs \(csv\)" err &&
	test_grep "\"offsets\":\{\"0.5\":0.0,\"0.8\":" out &&
	test "$(sqlite3 greenslot.db "SELECT count(*) FROM job_run")" = 1203 &&
	test "$(sqlite3 greenslot.db "SELECT status FROM job_run WHERE id = ${sq}g3${sq}")" = failed &&
	test "$(sqlite3 greenslot.db "SELECT count(*) FROM model")" = 1
'

test_expect_success 'training again upserts runs and replaces the model' '
	sed "s/,failed,/,completed,/" $R/runs.csv >runs.csv &&
	expect_code 0 $GS train -q runs.csv &&
	test "$(sqlite3 greenslot.db "SELECT count(*) FROM job_run")" = 1203 &&
	test "$(sqlite3 greenslot.db "SELECT status FROM job_run WHERE id = ${sq}g3${sq}")" = completed &&
	test "$(sqlite3 greenslot.db "SELECT count(*) FROM model")" = 1
'

test_expect_success 'train without HISTORY retrains on the stored runs' '
	expect_code 0 $GS train -q &&
	test_grep "\"n_train\":" out &&
	test "$(sqlite3 greenslot.db "SELECT count(*) FROM job_run")" = 1203 &&
	test "$(sqlite3 greenslot.db "SELECT count(*) FROM model")" = 1 &&
	expect_code 2 $GS train --evaluate &&
	test_cmp - err <<-EOF
	greenslot: --evaluate needs a HISTORY file
	EOF
'

test_expect_success 'predict --runs: one row per run, in submit order' '
	expect_code 0 $GS predict --runs $SWF &&
	head -n 1 out >head &&
	echo id,runtime_p50_s,runtime_p90_s >want &&
	test_cmp want head &&
	test $(wc -l <out) -eq 1201 &&
	gzip -dc $SWF | grep -v "^;" | LC_ALL=C sort -k2,2n -k1,1 -s |
		awk "{ print \$1 }" >want-ids &&
	tail -n +2 out | cut -d, -f1 >ids &&
	test_cmp want-ids ids &&
	tail -n +2 out | awk -F, "\$2 <= 0 || \$3 < \$2 { bad++ } END { exit bad > 0 }"
'

test_expect_success 'predict --quantile names its column; others are refused' '
	expect_code 0 $GS predict --quantile 0.95 --runs $SWF &&
	test "$(head -n 1 out)" = id,runtime_p50_s,runtime_p95_s &&
	expect_code 2 $GS predict --quantile 0.7 --runs $SWF &&
	test_cmp - err <<-EOF
	greenslot: --quantile 0.7 is not calibrated (want 0.8, 0.9, 0.95 or 0.99)
	EOF
'

test_expect_success 'a run is never predicted from its own runtime' '
	gzip -dc $SWF >slice.swf &&
	last=$(grep -v "^;" slice.swf | sort -k2,2n | tail -n 1 | awk "{ print \$1 }") &&
	awk -v id=$last "!/^;/ && \$1 == id { \$4 = 999999 } { print }" \
		slice.swf >changed.swf &&
	$GS predict --runs slice.swf >a.csv &&
	$GS predict --runs changed.swf >b.csv &&
	test_cmp a.csv b.csv
'

test_expect_success 'predict job specs: a row per job, profile and site' '
	expect_code 0 $GS predict --sites $S/sites.json $R/jobs.json &&
	test_grep "^job,profile,site,runtime_p50_s,runtime_p90_s,power_w$" out &&
	test_grep "^sim-u36,0,tx-central,[0-9.]+,[0-9.]+,48$" out &&
	test_grep "^sim-ann,0,va-east,[0-9.]+,[0-9.]+,815.385$" out &&
	test $(grep -c "^post-fixed,0," out) -eq $(grep -c "\"id\"" $S/sites.json)
'

test_expect_success 'train --evaluate prints the held-out comparison' '
	expect_code 0 $GS train --evaluate -q $SWF &&
	for k in runs train test mdape greenslot requested user_last2 \
		random_forest p90_coverage; do
		test_grep "\"$k\"" out || return 1
	done
'

# XGBoost is opened when a model is needed (forecast/xgb.c): without it
# the other commands run, and train and predict say what is missing.
test_expect_success 'without a loadable XGBoost, train and predict say so' '
	mkdir nolib &&
	echo "not a library" >nolib/libxgboost.so.0 &&
	echo "not a library" >nolib/libxgboost.so &&
	nolib="env LD_LIBRARY_PATH=$PWD/nolib" &&
	expect_code 1 $nolib $GS predict --runs $SWF &&
	test_grep "^greenslot: runtime models need XGBoost, which cannot be loaded" err &&
	test_grep "apt-get install libxgboost0" err &&
	expect_code 1 $nolib $GS train --db nolib.db $SWF &&
	test_grep "^greenslot: runtime models need XGBoost" err &&
	expect_code 0 $nolib $GS ingest --db nolib.db --feeds $S/feeds.json &&
	expect_code 0 $nolib $GS solve --db nolib.db --sites $S/sites.json \
		--oracle --policy greedy -o nolib.json $S/jobs.json &&
	expect_code 0 $GS predict --runs $SWF
'

test_expect_success 'solve predicts the runtime of a job without duration' '
	expect_code 0 $GS ingest --feeds $S/feeds.json &&
	expect_code 0 $GS solve --sites $S/sites.json --oracle --policy greedy \
		-o plan.json $R/jobs.json &&
	python3 -c "
import json, sys
jobs = {j[\"id\"]: j for j in json.load(open(\"plan.json\"))[\"jobs\"]}
assert jobs[\"sim-u36\"][\"runtime_predicted\"] is True, jobs
assert jobs[\"post-fixed\"][\"runtime_predicted\"] is False, jobs
assert json.load(open(\"plan.json\"))[\"plan\"][\"runtime_quantile\"] == 0.9
" &&
	$GS predict --sites $S/sites.json $R/jobs.json >pred.csv &&
	expect_code 0 $GS solve --sites $S/sites.json --oracle --policy greedy \
		--runtime-quantile 0.5 -o plan50.json $R/jobs.json &&
	python3 -c "
import json
p90 = [j for j in json.load(open(\"plan.json\"))[\"jobs\"] if j[\"id\"] == \"sim-u36\"][0]
p50 = [j for j in json.load(open(\"plan50.json\"))[\"jobs\"] if j[\"id\"] == \"sim-u36\"][0]
assert p50[\"runtime_s\"] <= p90[\"runtime_s\"], (p50, p90)
assert json.load(open(\"plan50.json\"))[\"plan\"][\"runtime_quantile\"] == 0.5
" &&
	expect_code 0 $GS report --sites $S/sites.json -o rt.html plan50.json &&
	test_grep "<dd>[1-9][0-9]* of [0-9]+ predicted from past runs, planned on P50;" rt.html
'

# solve plans each job at its site on the runtime and power predict prints
# there (va-east has its own statistics, speed 1.25 and PUE 1.15; sim-ann's
# power is learned from the energy of its user's runs); slots are 30 min
test_expect_success 'solve plans on the runtime and power predict prints' '
	python3 -c "
import csv, json
pred = {(r[\"job\"], r[\"site\"]): r for r in csv.DictReader(open(\"pred.csv\"))}
for j in json.load(open(\"plan.json\"))[\"jobs\"]:
    if not j[\"runtime_predicted\"]:
        continue
    p90 = float(pred[(j[\"id\"], j[\"site\"])][\"runtime_p90_s\"])
    assert p90 <= j[\"runtime_s\"] < p90 + 1800, (j, p90)
ann = [j for j in json.load(open(\"plan.json\"))[\"jobs\"] if j[\"id\"] == \"sim-ann\"][0]
w = float(pred[(\"sim-ann\", \"va-east\")][\"power_w\"])
assert w == 815.385, w
assert abs(ann[\"energy_kwh\"] - w / 1000 * ann[\"runtime_s\"] / 3600 * 1.15) < 1e-3, ann
"
'

test_expect_success 'solve without a model names the job lacking a duration' '
	expect_code 2 $GS solve --db fresh.db --sites $S/sites.json --oracle \
		$R/jobs.json &&
	test_cmp - err <<-EOF
	greenslot: $R/jobs.json:2:10: job ${sq}sim-u36${sq} has no duration and ${sq}fresh.db${sq} has no trained runtime model (run ${sq}greenslot train HISTORY...${sq})
	EOF
'

test_expect_success 'solve refuses an uncalibrated quantile' '
	expect_code 2 $GS solve --sites $S/sites.json --runtime-quantile 0.7 \
		$R/jobs.json &&
	test_grep "not calibrated" err
'

test_done
