#!/bin/sh
# ingest over HTTP from tests/tools/fake-server on 127.0.0.1: {env:NAME}
# expanded in the request but never printed, and the faults a feed server
# has (404, 500, a cut-off body, a redirect to file://, a hang), none of
# which may damage what is stored.
. "$(dirname "$0")/../lib.sh"

TOKEN=s3cr3t-Tok3n-42
export TOKEN
mkdir www
cp "$FIX/ingest/CISO-2021-06-01-07.csv" www/ciso.csv
printf 'time,carbon_intensity\n2021-06-01T00:00:00Z,abc\n' >www/bad.csv

start_fake_server www -n 2

feed() { # name url [extra json]
	printf '  {"name": "%s", "kind": "csv", "zone": "%s", "retries": %s,\n' \
		"$1" "${ZONE:-CISO}" "${RETRIES:-0}"
	printf '   "timeout": "%s", "url": "%s"%s}' "${TIMEOUT:-PT5S}" "$2" "${3:-}"
}

# writes feeds.json from "name url [extra]" lines on stdin; $ZONE,
# $RETRIES and $TIMEOUT change the defaults
feeds() {
	{
		echo '{"feeds": ['
		sep=
		while read -r name url extra; do
			printf '%s' "$sep"
			feed "$name" "$url" "${extra:+, $extra}"
			sep=',
'
		done
		printf '\n]}\n'
	} >feeds.json
}

# no stdout or stderr of the test so far holds the token
no_secret() {
	! grep -q "$TOKEN" out err
}

test_expect_success 'the fake server is up' '
	test_grep "^[0-9]+$" port
'

test_expect_success 'the User-Agent carries the version --version prints' '
	expect_code 0 $GS --version &&
	version=$(sed -n "s/^greenslot \([0-9][0-9.]*\)$/\1/p" out) &&
	test -n "$version" &&
	feeds <<-EOF &&
	ua $URL/ua/ciso.csv
	EOF
	expect_code 0 $GS ingest --no-forecast --feeds feeds.json --db ua.db &&
	echo "  User-Agent: greenslot/$version (+https://github.com/greenslot)" >expect &&
	grep "^  User-Agent: " requests.log >actual &&
	test_cmp expect actual
'

test_expect_success '{env:TOKEN} is expanded in the request, never printed' '
	feeds <<-EOF &&
	ciso $URL/ciso.csv?token={env:TOKEN}&from={from:%Y%m%d%H%M} "headers": {"Authorization": "Bearer {env:TOKEN}"}
	EOF
	expect_code 0 $GS ingest --feeds feeds.json \
		--from 2021-06-01T00:00:00Z --to 2021-06-08T00:00:00Z &&
	echo "ciso: 1512 points: 1512 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test_grep "^GET /ciso.csv\?token=$TOKEN&from=202106010000 HTTP/1.1$" requests.log &&
	no_secret &&
	$GS series >series.1 &&
	test $(wc -l <series.1) -eq 1513
'

test_expect_success 'a 404 exits 1, names the template and keeps stored data' '
	feeds <<-EOF &&
	ciso $URL/status/404/ciso.csv?token={env:TOKEN}
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''ciso'\'': cannot fetch '\''$URL/status/404/ciso.csv?token={env:TOKEN}'\'': HTTP status 404" >expect &&
	test_cmp expect err &&
	test_cmp /dev/null out &&
	test_grep "^GET /status/404/ciso.csv\?token=$TOKEN " requests.log &&
	no_secret &&
	$GS series >series.2 &&
	test_cmp series.1 series.2
'

test_expect_success 'a 500 exits 1' '
	feeds <<-EOF &&
	ciso $URL/status/500/ciso.csv
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	test_grep "cannot fetch .*: HTTP status 500$" err &&
	$GS series >series.2 &&
	test_cmp series.1 series.2
'

test_expect_success 'a failure that passes is retried' '
	RETRIES=1 &&
	feeds <<-EOF &&
	flaky $URL/flaky/ciso.csv
	EOF
	expect_code 0 $GS ingest --feeds feeds.json &&
	echo "flaky: 1512 points: 0 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test $(grep -c "^GET /flaky/ciso.csv " requests.log) -eq 2
'

test_expect_success 'a cut-off body is an error and stores nothing' '
	ZONE=CUT &&
	feeds <<-EOF &&
	cut $URL/truncate/ciso.csv
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''cut'\'': cannot fetch '\''$URL/truncate/ciso.csv'\'': response cut off before its end" >expect &&
	test_cmp expect err &&
	$GS series --zone CUT >actual &&
	echo time,zone,signal,value >expect &&
	test_cmp expect actual
'

test_expect_success 'a redirect to file:// is refused; one to http is followed' '
	feeds <<-EOF &&
	evil $URL/redirect-file
	moved $URL/redirect/ciso.csv
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	test_grep "^greenslot: feed .evil.: cannot fetch .*refused protocol" err &&
	! grep -q root: out err &&
	echo "moved: 1512 points: 0 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test_grep "^GET /redirect-file " requests.log &&
	test_grep "^GET /ciso.csv HTTP" requests.log
'

test_expect_success 'a redirect to another host with the feed'\''s (secret) headers is refused' '
	feeds <<-EOF &&
	hdr $URL/redirect-to/$PORT2/ciso.csv?k=1 "headers": {"X-Api-Key": "{env:TOKEN}"}
	plain $URL/redirect-to/$PORT2/ciso.csv?k=2
	same $URL/redirect/ciso.csv?k=3 "headers": {"X-Api-Key": "{env:TOKEN}"}
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''hdr'\'': cannot fetch '\''$URL/redirect-to/$PORT2/ciso.csv?k=1'\'': redirect to another host ('\''127.0.0.1'\'') refused: the feed'\''s headers would go there (give the feed the url it redirects to)" >expect &&
	grep -v "^warning" err | sed "s/ ([0-9.]* s)\$//" >actual &&
	test_cmp expect actual &&
	cat >expect <<-\EOF &&
	plain: 1512 points: 0 new, 0 updated, 0 rejected
	same: 1512 points: 0 new, 0 updated, 0 rejected
	EOF
	test_cmp expect feeds &&
	test_grep "^GET /ciso.csv\?k=2 " requests.log &&
	test_grep "^GET /ciso.csv\?k=3 " requests.log &&
	! grep -q "^GET /ciso.csv?k=1 " requests.log &&
	no_secret
'

test_expect_success 'a server that never answers times out (exit 1)' '
	TIMEOUT=PT1S &&
	feeds <<-EOF &&
	hang $URL/hang?k={env:TOKEN}
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	test_grep "^greenslot: feed .hang.: cannot fetch .$URL/hang\?k=\{env:TOKEN\}.: .*(timed out|Timeout)" err &&
	no_secret
'

test_expect_success 'invalid content and a fetch failure are both exit 1' '
	feeds <<-EOF &&
	bad $URL/bad.csv
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''bad'\'': $URL/bad.csv:2:22: column '\''carbon_intensity'\'': invalid number '\''abc'\''" >expect &&
	test_cmp expect err &&
	feeds <<-EOF &&
	bad $URL/bad.csv
	gone $URL/nothing.csv
	good $URL/ciso.csv
	EOF
	expect_code 1 $GS ingest --feeds feeds.json &&
	test_grep "feed .gone.: cannot fetch .*: HTTP status 404" err &&
	test_grep "bad.csv:2:22" err &&
	echo "good: 1512 points: 0 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds
'

test_expect_success 'a missing variable stops the run before any fetch (exit 2)' '
	feeds <<-EOF &&
	ciso $URL/ciso.csv
	de $URL/de.csv?key={env:GS_NO_SUCH_VAR}
	EOF
	wc -l <requests.log >before &&
	expect_code 2 $GS ingest --feeds feeds.json &&
	echo "greenslot: feed '\''de'\'': url '\''$URL/de.csv?key={env:GS_NO_SUCH_VAR}'\'': environment variable '\''GS_NO_SUCH_VAR'\'' is not set" >expect &&
	test_cmp expect err &&
	wc -l <requests.log >after &&
	test_cmp before after
'

test_done
