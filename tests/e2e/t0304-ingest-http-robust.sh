#!/bin/sh
# HTTP robustness of ingest against tests/tools/fake-server: gzip bodies,
# 429 with Retry-After, a 500 or a reset that passes on retry, and
# conditional requests (ETag, Last-Modified) so that unchanged data is
# neither downloaded nor parsed again, unless --refetch; an empty body and
# an HTML page (200) are errors naming the feed, for every kind of body.
. "$(dirname "$0")/../lib.sh"

mkdir www
cp "$FIX/ingest/CISO-2021-06-01-07.csv" www/ciso.csv
printf 'time,carbon_intensity\n2021-06-01T00:00:00Z,abc\n' >www/bad.csv
WINDOW="--from 2021-06-01T00:00:00Z --to 2021-06-08T00:00:00Z"

start_fake_server www

# feeds.json with one csv feed: name url [retries]
feed() {
	printf '{"feeds": [{"name": "%s", "kind": "csv", "zone": "CISO", ' "$1" >feeds.json
	printf '"retries": %s, "timeout": "PT5S", "url": "%s"}]}\n' "${3:-0}" "$2" >>feeds.json
}

requests() { # the number of requests for a path
	grep -c "^GET $1 HTTP/1.1$" requests.log || :
}

test_expect_success 'the fake server is up; a plain ingest as reference' '
	test_grep "^[0-9]+$" port &&
	feed plain "$URL/ciso.csv" &&
	expect_code 0 $GS ingest --db plain.db --feeds feeds.json $WINDOW &&
	echo "plain: 1512 points: 1512 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	$GS series --db plain.db >plain.csv &&
	test $(wc -l <plain.csv) -eq 1513
'

test_expect_success 'a gzip body is decoded and stored like the plain one' '
	feed gz "$URL/gzip/ciso.csv" &&
	expect_code 0 $GS ingest --db gz.db --feeds feeds.json $WINDOW &&
	echo "gz: 1512 points: 1512 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	$GS series --db gz.db >gz.csv &&
	test_cmp plain.csv gz.csv
'

test_expect_success '429 with Retry-After: 1 is retried after the wait' '
	feed ra "$URL/retry-after/1/ciso.csv" 1 &&
	expect_code 0 $GS ingest --db ra.db --feeds feeds.json $WINDOW &&
	echo "ra: 1512 points: 1512 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test $(requests /retry-after/1/ciso.csv) -eq 2 &&
	$GS series --db ra.db >ra.csv &&
	test_cmp plain.csv ra.csv
'

test_expect_success 'a Retry-After over the cap fails at once, saying so' '
	feed far "$URL/retry-after/3600/ciso.csv" 2 &&
	expect_code 1 $GS ingest --db far.db --feeds feeds.json $WINDOW &&
	test_grep "^greenslot: feed .far.: cannot fetch .*: HTTP status 429: the server asks to retry after 3600 s, more than the [0-9]+ s we may wait$" err &&
	test $(requests /retry-after/3600/ciso.csv) -eq 1
'

test_expect_success 'a 500 then 200 is retried and stored' '
	feed f1 "$URL/fail-once/ciso.csv" 1 &&
	expect_code 0 $GS ingest --db f1.db --feeds feeds.json $WINDOW &&
	echo "f1: 1512 points: 1512 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test $(requests /fail-once/ciso.csv) -eq 2
'

test_expect_success 'a reset connection then 200 is retried and stored' '
	feed r1 "$URL/reset-once/ciso.csv" 1 &&
	expect_code 0 $GS ingest --db r1.db --feeds feeds.json $WINDOW &&
	echo "r1: 1512 points: 1512 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test $(requests /reset-once/ciso.csv) -eq 2 &&
	$GS series --db r1.db >r1.csv &&
	test_cmp plain.csv r1.csv
'

test_expect_success 'a reset without retries left fails (exit 1)' '
	feed r0 "$URL/reset-once/ciso.csv?again" 0 &&
	expect_code 1 $GS ingest --db r0.db --feeds feeds.json $WINDOW &&
	test_grep "^greenslot: feed .r0.: cannot fetch " err
'

test_expect_success 'the first conditional fetch stores; the second is 304, not modified' '
	feed et "$URL/etag/ciso.csv" &&
	expect_code 0 $GS ingest --db et.db --feeds feeds.json $WINDOW &&
	echo "et: 1512 points: 1512 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	! grep -q "If-None-Match" requests.log &&
	$GS series --db et.db >et.1 &&
	expect_code 0 $GS ingest --db et.db --feeds feeds.json $WINDOW &&
	echo "et: not modified" >expect &&
	test_cmp expect feeds &&
	test_cmp /dev/null err &&
	test $(requests /etag/ciso.csv) -eq 2 &&
	test_grep "^  If-None-Match: \"fnv-[0-9a-f]{16}\"$" requests.log &&
	test_grep "^  If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT$" requests.log &&
	$GS series --db et.db >et.2 &&
	test_cmp et.1 et.2 &&
	test "$(sqlite3 et.db "SELECT message FROM ingest_run ORDER BY id DESC LIMIT 1")" = "not modified"
'

test_expect_success '--refetch fetches the whole body again' '
	grep -c "If-None-Match" requests.log >before &&
	expect_code 0 $GS ingest --db et.db --feeds feeds.json $WINDOW --refetch &&
	echo "et: 1512 points: 0 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	test $(requests /etag/ciso.csv) -eq 3 &&
	grep -c "If-None-Match" requests.log >after &&
	test_cmp before after
'

test_expect_success 'a changed body is fetched again' '
	sed "2s/,[^,]*$/,7/" www/ciso.csv >www/ciso2.csv &&
	! cmp -s www/ciso.csv www/ciso2.csv &&
	cp www/ciso.csv ciso.orig &&
	cp www/ciso2.csv www/ciso.csv &&
	expect_code 0 $GS ingest --db et.db --feeds feeds.json $WINDOW &&
	test_grep "^et: 1512 points: 0 new, [1-9][0-9]* updated, 0 rejected$" feeds &&
	cp ciso.orig www/ciso.csv
'

test_expect_success 'another window is another cache entry' '
	expect_code 0 $GS ingest --db et.db --feeds feeds.json \
		--from 2021-06-02T00:00:00Z --to 2021-06-08T00:00:00Z &&
	test_grep "^et: [0-9]+ points" feeds
'

test_expect_success 'cron runs with the default window: a url without {from} is 304' '
	feed dw "$URL/etag/ciso.csv" &&
	expect_code 0 $GS ingest --db dw.db --feeds feeds.json &&
	echo "dw: 1512 points: 1512 new, 0 updated, 0 rejected" >expect &&
	test_cmp expect feeds &&
	sleep 1 &&
	expect_code 0 $GS ingest --db dw.db --feeds feeds.json &&
	echo "dw: not modified" >expect &&
	test_cmp expect feeds
'

test_expect_success 'a url with {from} is keyed by its window too' '
	feed dwf "$URL/etag/ciso.csv?from={from}" &&
	expect_code 0 $GS ingest --db dwf.db --feeds feeds.json &&
	sleep 1 &&
	expect_code 0 $GS ingest --db dwf.db --feeds feeds.json &&
	test_grep "^dwf: 1512 points: 0 new, 0 updated, 0 rejected$" feeds &&
	test "$(sqlite3 dwf.db "SELECT count(*) FROM http_cache")" = 2
'

test_expect_success 'invalid content is not cached: the next run parses it again' '
	feed eb "$URL/etag/bad.csv" &&
	expect_code 1 $GS ingest --db eb.db --feeds feeds.json $WINDOW &&
	test_grep "bad.csv:2:22: column" err &&
	expect_code 1 $GS ingest --db eb.db --feeds feeds.json $WINDOW &&
	test_grep "bad.csv:2:22: column" err &&
	test $(requests /etag/bad.csv) -eq 2 &&
	test "$(sqlite3 eb.db "SELECT count(*) FROM http_cache")" = 0
'

test_expect_success 'a failed store keeps the cache unchanged' '
	feed fs "$URL/etag/ciso.csv" &&
	expect_code 0 $GS ingest --db fs.db --feeds feeds.json $WINDOW &&
	sqlite3 fs.db "SELECT feed, hex(key), etag, last_modified, fetched_at FROM http_cache" >cache.1 &&
	test $(wc -l <cache.1) -eq 1 &&
	sqlite3 fs.db "CREATE TRIGGER no_points BEFORE UPDATE ON point BEGIN SELECT RAISE(ABORT, '\''store refuses'\''); END; CREATE TRIGGER no_new BEFORE INSERT ON point BEGIN SELECT RAISE(ABORT, '\''store refuses'\''); END" &&
	cp www/ciso.csv ciso.keep &&
	cp www/ciso2.csv www/ciso.csv &&
	expect_code 1 $GS ingest --db fs.db --feeds feeds.json $WINDOW &&
	test_grep "store refuses" err &&
	cp ciso.keep www/ciso.csv &&
	sqlite3 fs.db "SELECT feed, hex(key), etag, last_modified, fetched_at FROM http_cache" >cache.2 &&
	test_cmp cache.1 cache.2
'

# one feed per kind of body (csv, JSON, XML) behind a fault path
kinds_feeds() { # fault
	cat >feeds.json <<-EOF
	{"feeds": [
	  {"name": "c", "kind": "csv", "zone": "CISO", "retries": 0, "url": "$URL/$1/ciso.csv"},
	  {"name": "j", "kind": "electricitymaps", "zone": "DE", "retries": 0, "url": "$URL/$1/j.json"},
	  {"name": "x", "kind": "entsoe", "zone": "DE", "retries": 0, "url": "$URL/$1/x.xml"}
	]}
	EOF
}

test_expect_success 'an empty body (200, 0 bytes): exit 1 naming each feed, nothing stored' '
	kinds_feeds empty &&
	expect_code 1 $GS ingest --db empty.db --feeds feeds.json $WINDOW &&
	cat >expect <<-EOF &&
	greenslot: feed '\''c'\'': empty response from '\''$URL/empty/ciso.csv'\'' (0 bytes)
	greenslot: feed '\''j'\'': empty response from '\''$URL/empty/j.json'\'' (0 bytes)
	greenslot: feed '\''x'\'': empty response from '\''$URL/empty/x.xml'\'' (0 bytes)
	EOF
	test_cmp expect err &&
	test_cmp /dev/null feeds &&
	test $(sql empty.db "SELECT count(*) FROM point") -eq 0
'

test_expect_success 'an HTML page (200, text/html): exit 1 naming each feed, nothing stored' '
	kinds_feeds html &&
	expect_code 1 $GS ingest --db html.db --feeds feeds.json $WINDOW &&
	cat >expect <<-EOF &&
	greenslot: feed '\''c'\'': '\''$URL/html/ciso.csv'\'' sent an HTML page (Content-Type: text/html; charset=utf-8), not data: check the url and its parameters
	greenslot: feed '\''j'\'': '\''$URL/html/j.json'\'' sent an HTML page (Content-Type: text/html; charset=utf-8), not data: check the url and its parameters
	greenslot: feed '\''x'\'': '\''$URL/html/x.xml'\'' sent an HTML page (Content-Type: text/html; charset=utf-8), not data: check the url and its parameters
	EOF
	test_cmp expect err &&
	test $(sql html.db "SELECT count(*) FROM point") -eq 0
'

test_expect_success 'a failed feed'\''s error line ends in its seconds' '
	kinds_feeds empty &&
	rc=0 &&
	$GS ingest --db empty.db --feeds feeds.json $WINDOW 2>raw || rc=$?
	test $rc -eq 1 &&
	test $(grep -c -E "^greenslot: feed .[cjx].: empty response .* \([0-9]+\.[0-9][0-9] s\)$" raw) -eq 3
'

test_done
