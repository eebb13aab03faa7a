#!/bin/sh
# The feeds of one ingest are fetched at once (curl multi), then stored
# one by one in FEEDS.json order.  Four feeds on four fake servers (each
# serves one connection at a time) whose /slow/ path waits 2 s: every
# request must reach its server before any server has replied.  Proven
# from the servers' logs of monotonic times, not by timing the run.
. "$(dirname "$0")/../lib.sh"

mkdir www
cp "$FIX/ingest/CISO-2021-06-01-07.csv" www/ciso.csv
printf 'time,carbon_intensity\n2021-06-01T00:00:00Z,abc\n' >www/bad.csv

# start_fake_server, once per server: port file portN, timelog timesN
PIDS=
trap 'cd /; [ -z "$PIDS" ] || kill $PIDS 2>/dev/null; rm -rf "$TEST_DIR"' EXIT
for n in 1 2 3 4; do
	"$BUILD/tests/fake-server" -l requests$n.log -T times$n -i "$FAKE_IDLE" \
		port$n www &
	PIDS="$PIDS $!"
done
for n in 1 2 3 4; do
	i=0
	while [ ! -s port$n ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
done

url() { echo "http://127.0.0.1:$(cat port$1)/slow/$2"; }

cat >feeds.json <<EOF2
{"feeds": [
  {"name": "f1", "kind": "csv", "zone": "CISO", "retries": 0,
   "timeout": "PT20S", "url": "$(url 1 ciso.csv)"},
  {"name": "f2", "kind": "csv", "zone": "CISO", "retries": 0,
   "timeout": "PT20S", "url": "$(url 2 bad.csv)"},
  {"name": "f3", "kind": "csv", "zone": "CISO", "retries": 0,
   "timeout": "PT20S", "url": "$(url 3 missing.csv)"},
  {"name": "f4", "kind": "csv", "zone": "CISO", "retries": 0,
   "timeout": "PT20S", "url": "$(url 4 ciso.csv)"}
]}
EOF2

test_expect_success 'four slow feeds: results in FEEDS.json order' '
	expect_code 1 $GS ingest --no-forecast --feeds feeds.json &&
	cat >expect <<-\EOF2 &&
	f1: 1512 points: 1512 new, 0 updated, 0 rejected
	f4: 1512 points: 0 new, 0 updated, 0 rejected
	EOF2
	test_cmp expect feeds &&
	sed -n 1p err >err1 && sed -n 2p err >err2 &&
	test_grep "^greenslot: feed .f2.: http://127.0.0.1:[0-9]+/slow/bad.csv:2:22: " \
		err1 &&
	test_grep "^greenslot: feed .f3.: cannot fetch .*: HTTP status 404$" \
		err2 &&
	test $(wc -l <err) -eq 2
'

test_expect_success 'each server got its one request' '
	for n in 1 2 3 4; do
		test $(grep -c "^GET /slow/" requests$n.log) -eq 1 || return 1
	done
'

test_expect_success 'all four requests arrived before the first reply' '
	cat times1 times2 times3 times4 >times &&
	test $(grep -c " request " times) -eq 4 &&
	test $(grep -c " reply " times) -eq 4 &&
	last_request=$(sed -n "s/ request .*//p" times | sort -n | tail -n 1) &&
	first_reply=$(sed -n "s/ reply .*//p" times | sort -n | head -n 1) &&
	test "$last_request" -lt "$first_reply"
'

test_expect_success 'the stored feeds are complete; a re-run changes nothing' '
	$GS series --zone CISO >before &&
	test $(wc -l <before) -gt 1 &&
	expect_code 1 $GS ingest --no-forecast --feeds feeds.json &&
	test_grep "^f1: 1512 points: 0 new, 0 updated, 0 rejected$" feeds &&
	$GS series --zone CISO >after &&
	test_cmp before after
'

test_done
