#!/bin/sh
# Load: three ingests at once, of different and overlapping feeds (120,000
# generated points in 6 zones plus the solver fixtures' three grids), twice
# over, while readers (solve, report, series) run in a loop against the
# same store.  No run fails or waits out a busy error, no reader sees an
# error, no point is lost or doubled (the store equals a serial run), and
# the store passes PRAGMA integrity_check.
. "$(dirname "$0")/../lib.sh"

S=$FIX/solver

python3 "$TOP/tests/tools/gen-points.py" 6 20000 L 11
cp "$S"/*.csv .

# feeds.json NAME...: a FEEDS.json of those of the big and fixture feeds
feed_line() {
	case $1 in
	big*) echo "  {\"name\": \"$1\", \"kind\": \"csv\", \"url\": \"$1.csv\"}" ;;
	*) echo "  {\"name\": \"$1\", \"kind\": \"csv\", \"url\": \"$(echo $1 | tr a-z A-Z)-2021-06-25.csv\", \"zone\": \"$(echo $1 | tr a-z A-Z)\"}" ;;
	esac
}
feeds() {
	out=$1; shift
	{
		echo '{"feeds": ['
		for f in "$@"; do feed_line $f; done | sed '$!s/$/,/'
		echo ']}'
	} >$out
}
feeds a.json big0 big1 big2 ciso erco
feeds b.json big2 big3 big4 pjm ciso
feeds c.json big4 big5 big0 erco pjm
feeds all.json big0 big1 big2 big3 big4 big5 ciso erco pjm
echo '{"feeds": []}' >empty.json

test_expect_success 'a serial run of every feed, a plan to report on' '
	$GS ingest --db serial.db -q --feeds all.json &&
	store_points serial.db >serial.points &&
	test $(wc -l <serial.points) -eq $((120000 + 3 * 144)) &&
	$GS solve --db serial.db --sites $S/sites.json --oracle --policy greedy \
		-o plan.json $S/jobs.json 2>/dev/null &&
	$GS ingest -q --feeds empty.json
'

# reader N: solve, report and series in turn until ./stop exists; each
# failure is a line in ./reader-N.fail
reader() {
	set +e  # it runs in the background of a test, which sets -e
	n=0
	: >reader-$1.fail
	while [ ! -e stop ] && kill -0 $$ 2>/dev/null; do
		n=$((n + 1))
		$GS solve --sites $S/sites.json --oracle --policy greedy \
			-o r$1-plan.json $S/jobs.json >/dev/null 2>r$1.err
		rc=$?
		[ $rc -eq 0 ] || [ $rc -eq 3 ] ||
			echo "solve $rc: $(cat r$1.err)" >>reader-$1.fail
		$GS report --sites $S/sites.json -o r$1.html plan.json \
			2>r$1.err || echo "report: $(cat r$1.err)" >>reader-$1.fail
		$GS series --zone CISO --zone L1 >r$1.csv 2>r$1.err ||
			echo "series: $(cat r$1.err)" >>reader-$1.fail
		grep -i -E "busy|locked|malformed" r$1.err >>reader-$1.fail
	done
	echo $n >reader-$1.rounds
}

test_expect_success 'three ingests at once, twice, with two readers looping' '
	rm -f stop
	reader 1 &
	r1=$!
	reader 2 &
	r2=$!
	ok=1
	for round in 1 2; do
		$GS ingest -q --feeds a.json 2>ea & p1=$!
		$GS ingest -q --feeds b.json 2>eb & p2=$!
		$GS ingest -q --feeds c.json 2>ec & p3=$!
		wait $p1 && wait $p2 && wait $p3 &&
		test_cmp /dev/null ea && test_cmp /dev/null eb &&
		test_cmp /dev/null ec || ok=
	done
	touch stop
	wait $r1
	wait $r2
	test -n "$ok"
	test $(cat reader-1.rounds) -ge 1 && test $(cat reader-2.rounds) -ge 1
	cat reader-1.fail reader-2.fail >fails
	test_cmp /dev/null fails
'

test_expect_success 'no point lost or doubled: the store equals the serial run' '
	test "$(sql greenslot.db "PRAGMA integrity_check")" = ok &&
	store_points greenslot.db >got.points &&
	test_cmp serial.points got.points &&
	test "$(sql greenslot.db "SELECT count(*) FROM point")" -eq $((120000 + 3 * 144))
'

test_expect_success 'every ingest run is logged, each as ok' '
	sql greenslot.db "SELECT feed, ok, points, message FROM ingest_run ORDER BY id" &&
	test "$(sql greenslot.db "SELECT count(*), sum(ok) FROM ingest_run")" = "30|30"
'

test_done
