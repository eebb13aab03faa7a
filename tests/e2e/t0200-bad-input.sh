#!/bin/sh
# t0200-bad-input.sh - invalid SITES.json and JOBS.json are refused with
# exit 2 and one exact "greenslot: FILE:LINE:COL: ..." line on stderr, the
# file named as given on the command line; valid ones pass.
. "$(dirname "$0")/../lib.sh"

# bad_input FILE.json EXPECTED-MESSAGE: `solve` must refuse FILE (a site
# catalog when its name starts with "sites", else job specs) with exit 2,
# print exactly "greenslot: EXPECTED-MESSAGE" and nothing on stdout, and
# write no plan.
bad_input() {
	case $1 in
	sites*) set -- "$2" --sites "$1" jobs.json ;;
	*) set -- "$2" --sites sites.json "$1" ;;
	esac
	msg=$1
	shift
	expect_code 2 $GS solve -o plan.json "$@" &&
	echo "greenslot: $msg" >expect &&
	test_cmp expect err &&
	! test -s out &&
	! test -e plan.json
}

test_expect_success 'set up an empty store and the fixtures' '
	cp "$FIX"/jsonin/*.json . &&
	echo "{\"feeds\": []}" >feeds.json &&
	expect_code 0 $GS ingest --feeds feeds.json
'

test_expect_success 'valid inputs pass the checks' '
	rc=0 &&
	$GS solve --sites sites.json -o ok.json jobs.json >out 2>err || rc=$?
	test $rc -ne 2 &&
	! grep "jobs.json:" err &&
	! grep "sites.json:" err
'

# ---- SITES.json ----

test_expect_success 'sites: unknown key' '
	bad_input sites-unknown-key.json \
		"sites-unknown-key.json:3:4: unknown key '\''power_watts'\'' in site '\''gb-london'\''"
'

test_expect_success 'sites: wrong type' '
	bad_input sites-wrong-type.json \
		"sites-wrong-type.json:3:24: '\''capacity.gpu'\'' must be a non-negative number in site '\''gb-london'\''"
'

test_expect_success 'sites: empty site list' '
	bad_input sites-empty.json \
		"sites-empty.json:1:11: '\''sites'\'' must be a non-empty array in the site catalog"
'

test_expect_success 'sites: invalid JSON' '
	bad_input sites-invalid-json.json \
		"sites-invalid-json.json:3:1: invalid JSON: unexpected token near '\'']'\''"
'

test_expect_success 'sites: duplicate site id names both positions' '
	bad_input sites-duplicate-id.json \
		"sites-duplicate-id.json:3:10: '\''id'\'': duplicate site id '\''gb-london'\'' (first at sites-duplicate-id.json:2:10)"
'

test_expect_success 'sites: incomplete pue object' '
	bad_input sites-bad-pue.json \
		"sites-bad-pue.json:3:11: missing '\''pue.per_c'\'' in site '\''gb-london'\''"
'

test_expect_success 'sites: a missing file' '
	bad_input no-such-sites.json \
		"cannot read '\''no-such-sites.json'\'': No such file or directory"
'

# ---- JOBS.json ----

test_expect_success 'jobs: unknown key' '
	bad_input jobs-unknown-key.json \
		"jobs-unknown-key.json:5:2: unknown key '\''earliest_strat'\'' in job '\''train-7'\''"
'

test_expect_success 'jobs: wrong type' '
	bad_input jobs-wrong-type.json \
		"jobs-wrong-type.json:5:19: '\''interruptible'\'' must be true or false in job '\''train-7'\''"
'

test_expect_success 'jobs: invalid time' '
	bad_input jobs-bad-time.json \
		"jobs-bad-time.json:2:20: '\''earliest_start'\'': invalid time '\''2026-13-01T00:00:00Z'\'' in job '\''train-7'\'' (want RFC 3339 with an offset, e.g. 2026-11-25T18:00:00Z)"
'

test_expect_success 'jobs: time without an offset' '
	bad_input jobs-no-offset.json \
		"jobs-no-offset.json:3:19: '\''latest_finish'\'': invalid time '\''2026-11-27T06:00:00'\'' in job '\''train-7'\'' (want RFC 3339 with an offset, e.g. 2026-11-25T18:00:00Z)"
'

test_expect_success 'jobs: invalid duration' '
	bad_input jobs-bad-duration.json \
		"jobs-bad-duration.json:4:39: '\''duration'\'': invalid duration '\''6 hours'\'' in job '\''train-7'\'' (want ISO 8601, e.g. PT30M, PT6H or P1DT2H)"
'

test_expect_success 'jobs: earliest_start after latest_finish' '
	bad_input jobs-start-after-finish.json \
		"jobs-start-after-finish.json:2:20: '\''earliest_start'\'' must be before '\''latest_finish'\'' in job '\''train-7'\''"
'

test_expect_success 'jobs: unknown site' '
	bad_input jobs-unknown-site.json \
		"jobs-unknown-site.json:5:25: '\''sites[1]'\'': unknown site '\''gb-lodnon'\'' in job '\''train-7'\'' (the catalog has gb-london, fr-paris)"
'

test_expect_success 'jobs: unknown resource' '
	bad_input jobs-unknown-resource.json \
		"jobs-unknown-resource.json:4:16: '\''resources.gpus'\'': unknown resource '\''gpus'\'' in job '\''train-7'\'' (the sites have gpu, cpu, tpu)"
'

test_expect_success 'jobs: unknown dependency' '
	bad_input jobs-unknown-dep.json \
		"jobs-unknown-dep.json:5:12: '\''after[0]'\'': unknown job '\''prep-7'\'' in job '\''train-7'\''"
'

test_expect_success 'jobs: dependency cycle' '
	bad_input jobs-cycle.json \
		"jobs-cycle.json:6:12: '\''after'\'': dependency cycle a -> c -> b -> a"
'

test_expect_success 'jobs: invalid JSON' '
	bad_input jobs-invalid-json.json \
		"jobs-invalid-json.json:5:21: invalid JSON: unexpected token near '\'']'\''"
'

test_expect_success 'jobs: duplicate id across two files names both' '
	expect_code 2 $GS solve --sites sites.json jobs.json jobs-more.json &&
	echo "greenslot: jobs-more.json:6:8: '\''id'\'': duplicate job id '\''train-7'\'' (first at jobs.json:6:8)" >expect &&
	test_cmp expect err
'

test_expect_success 'jobs: the file name is kept as given' '
	mkdir sub &&
	cp jobs-unknown-key.json sub/ &&
	expect_code 2 $GS solve --sites sites.json ./sub/jobs-unknown-key.json &&
	test_grep "^greenslot: \./sub/jobs-unknown-key\.json:5:2: " err
'

test_expect_success 'jobs: "-" reads standard input' '
	expect_code 2 $GS solve --sites sites.json - <jobs-wrong-type.json &&
	echo "greenslot: <stdin>:5:19: '\''interruptible'\'' must be true or false in job '\''train-7'\''" >expect &&
	test_cmp expect err
'

test_done
