#!/bin/sh
# Security: a secret given to a feed by {env:NAME} (in the url and in a
# header) never shows in what greenslot prints or stores, whichever way the
# feed fails; every string of a site catalog and a plan that reaches the
# HTML report is escaped; and the code base never hands text to a shell
# and prepares every SQL statement (a lint of the C sources).
. "$(dirname "$0")/../lib.sh"

SECRET=s3cr3t-Tok3n-4f9e2d
export GS_TEST_SECRET=$SECRET

mkdir www
cp "$FIX/ingest/CISO-2021-06-01-07.csv" www/ciso.csv
start_fake_server www

cat >feeds.json <<EOF_JSON
{"feeds": [
  {"name": "e500", "kind": "csv", "zone": "CISO",
   "url": "$URL/status/500/ciso.csv?token={env:GS_TEST_SECRET}",
   "headers": {"Authorization": "Bearer {env:GS_TEST_SECRET}"}},
  {"name": "e404", "kind": "csv", "zone": "CISO",
   "url": "$URL/status/404/{env:GS_TEST_SECRET}/ciso.csv"},
  {"name": "hang", "kind": "csv", "zone": "CISO", "timeout": "PT1S",
   "url": "$URL/hang?k={env:GS_TEST_SECRET}"},
  {"name": "cut", "kind": "csv", "zone": "CISO",
   "url": "$URL/truncate/ciso.csv?k={env:GS_TEST_SECRET}"},
  {"name": "refused", "kind": "csv", "zone": "CISO",
   "url": "http://127.0.0.1:1/{env:GS_TEST_SECRET}.csv"},
  {"name": "bad-content", "kind": "uk-carbon-intensity",
   "url": "$URL/ciso.csv?k={env:GS_TEST_SECRET}"},
  {"name": "ok", "kind": "csv", "zone": "CISO",
   "url": "$URL/ciso.csv?k={env:GS_TEST_SECRET}",
   "headers": {"X-Api-Key": "{env:GS_TEST_SECRET}"}}
]}
EOF_JSON

test_expect_success 'failing feeds: the secret is in no message and not in the store' '
	expect_code 1 $GS ingest --feeds feeds.json &&
	for f in e500 e404 hang cut refused; do
		test_grep "^greenslot: feed .$f.: " err || return 1
	done &&
	test_grep "^greenslot: feed .[a-z0-9-]*.: $URL/ciso.csv\?k=\{env:GS_TEST_SECRET\}:1:1: invalid JSON" err &&
	test $(wc -l <err) -eq 6 &&
	test_grep "^ok: 1512 points: 1512 new" feeds &&
	! grep -F "$SECRET" out err &&
	sql greenslot.db .dump >dump &&
	test_grep "INSERT INTO ingest_run" dump &&
	! grep -F "$SECRET" dump
'

test_expect_success 'the secret went to the server (so the test is real)' '
	test_grep "$SECRET" requests.log
'

test_expect_success 'verbose and series output hold no secret either' '
	$GS ingest --feed e500 --feed ok --feeds feeds.json >out 2>err || :
	$GS series >series.csv &&
	! grep -F "$SECRET" out err series.csv greenslot.db*
'

# ---- HTML: every string of the catalog and the plan is escaped ----

python3 - "$FIX/report" 2>py.err <<\EOF_PY
import json
import sys
d = sys.argv[1]
sites = json.load(open(d + "/sites.json"))
sites["sites"][1]["zone"] = "<i>ZONE</i>&\"'"
json.dump(sites, open("evil-sites.json", "w"))
p = json.load(open(d + "/plan.json"))
p["plan"]["policy"] = "<i>POLICY</i>"
p["plan"]["objective"] = "<i>OBJ</i>"
p["plan"]["signal_source"] = "<script>alert(1)</script>"
p["unplaced"][0]["reason"] = "<img src=x onerror=alert(2)>"
json.dump(p, open("<u>plan.json", "w"))
EOF_PY

test_expect_success 'hostile zone, policy, objective, reason and file name are escaped' '
	expect_code 0 $GS ingest --db report.db --feeds "$FIX/report/feeds.json" &&
	$GS report --db report.db --sites evil-sites.json -o evil.html \
		"<u>plan.json" "$FIX/report/plan-fifo.json" >out 2>err;
	test -s evil.html &&
	! grep -E "<(i|u|img|script)[ >]" evil.html &&
	test_grep "&lt;i&gt;ZONE&lt;/i&gt;&amp;&quot;&#39;" evil.html &&
	test_grep "&lt;i&gt;POLICY&lt;/i&gt;" evil.html &&
	test_grep "&lt;img src=x onerror=alert\(2\)&gt;" evil.html &&
	test_grep "&lt;u&gt;plan.json" evil.html
'

test_expect_success 'a hostile site id is refused before it reaches a report' '
	sed "s/\"ca-north\"/\"<b>x\"/" "$FIX/report/sites.json" >evil-id.json &&
	expect_code 2 $GS report --db report.db --sites evil-id.json \
		-o id.html "$FIX/report/plan.json" &&
	test_grep "^greenslot: evil-id.json:2:10: .id.: invalid site id .<b>x." err &&
	! test -e id.html
'

# ---- the C sources: no shell, prepared SQL ----

# the product's C files (not the tests)
(cd "$TOP" && git ls-files "*.c" "*.h" 2>/dev/null | grep -v "^tests/" ||
	find . -name "*.[ch]" ! -path "./tests/*" ! -path "./build*" |
	sed "s|^\./||") >sources
sed "s|^|$TOP/|" sources >paths

test_expect_success 'the lint sees the sources' '
	test $(wc -l <paths) -gt 20 &&
	grep -q "core/store.c" paths
'

# One exception, by design: `greenslot run` starts each job of a plan with
# /bin/sh -c and the job's own "command" from its JOBS.json, as cron and at
# do (solver/runner.c, spawn()).  Nothing else may start a program.
test_expect_success 'no shell and no exec but the runner starting a job command' '
	grep -n -E "\b(system|popen|execl|execlp|execle|execv|execvp|execvpe|posix_spawnp?|wordexp|fork)[[:space:]]*\(" $(cat paths) >spawns;
	sed "s|^$TOP/||" spawns >got &&
	{ grep -v "^solver/runner.c:[0-9]*:	rc = posix_spawn(&pid, \"/bin/sh\", NULL, &at, argv, environ);$" got || :; } >others &&
	test_cmp /dev/null others &&
	test $(wc -l <got) -eq 1
'

test_expect_success 'SQL text is never formatted from strings' '
	! grep -n -E "sqlite3_(mprintf|vmprintf|snprintf)" $(cat paths) &&
	! grep -n -E "\"[^\"]*\b(SELECT|INSERT|UPDATE|DELETE|REPLACE|WHERE|VALUES|PRAGMA)\b[^\"]*%[-0-9.]*[sqQwzc]" $(cat paths)
'

test_expect_success 'sqlite3_exec runs only constant text, in the store' '
	grep -n "sqlite3_exec(" $(cat paths) >execs &&
	! grep -v "^$TOP/core/store.c:" execs &&
	! grep -v -E "sqlite3_exec\(st->db, (\"[A-Z ]+\"|sql), " execs &&
	grep -n -E "\bexec\(st, " "$TOP/core/store.c" >calls &&
	! grep -v -E "exec\(st, (\"[^\"]*\"|migrations\[v\]|sql)," calls &&
	grep -n -E "snprintf\(sql, " -A2 "$TOP/core/store.c" >fmts &&
	! grep "%s" fmts
'

test_done
