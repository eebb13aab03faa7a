#!/bin/sh
# Fifty feeds of one ingest are fetched at once: one fake server listening
# on four ports (16 transfers at most go to one host and port) whose
# /slow/ path replies after 2 s, each slow reply from its own process.
# The server's log of monotonic times shows how many requests were open
# at once; no timing of the run is asserted.
. "$(dirname "$0")/../lib.sh"

mkdir www
i=1
while [ $i -le 50 ]; do
	printf 'time,carbon_intensity\n2021-06-01T00:00:00Z,%d\n' $i >www/f$i.csv
	i=$((i + 1))
done

trap 'cd /; [ -z "$FAKE_SERVER_PID" ] || kill $FAKE_SERVER_PID 2>/dev/null; rm -rf "$TEST_DIR"' EXIT
"$BUILD/tests/fake-server" -l requests.log -T times -i "$FAKE_IDLE" -n 4 \
	port www &
FAKE_SERVER_PID=$!
i=0
while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

{
	echo '{"feeds": ['
	i=1
	while [ $i -le 50 ]; do
		p=$(sed -n "$((i % 4 + 1))p" port)
		[ $i -eq 1 ] || echo ','
		printf '  {"name": "f%d", "kind": "csv", "zone": "Z%d", "retries": 0, "timeout": "PT30S", "url": "http://127.0.0.1:%s/slow/f%d.csv"}' \
			$i $i "$p" $i
		i=$((i + 1))
	done
	printf '\n]}\n'
} >feeds.json

test_expect_success 'the server listens on four ports' '
	test $(grep -c -E "^[0-9]+$" port) -eq 4
'

test_expect_success 'fifty slow feeds all land' '
	expect_code 0 $GS ingest --no-forecast --feeds feeds.json &&
	test $(grep -c -E "^f[0-9]+: 1 points: 1 new, 0 updated, 0 rejected$" feeds) -eq 50 &&
	test_cmp /dev/null err &&
	expect_code 0 $GS series &&
	test $(wc -l <out) -eq 51 &&
	test_grep "^2021-06-01T00:00:00Z,Z50,carbon_intensity,50$" out
'

test_expect_success 'at least 40 of the requests were open at once' '
	test $(grep -c " request /slow/" times) -eq 50 &&
	test $(grep -c " reply /slow/" times) -eq 50 &&
	awk "\$2 == \"request\" { n++ } \$2 == \"reply\" { n-- }
		n > max { max = n } END { print max }" times >max &&
	echo "most open at once: $(cat max)" &&
	test $(cat max) -ge 40
'

test_done
