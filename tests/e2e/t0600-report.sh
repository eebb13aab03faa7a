#!/bin/sh
# t0600-report.sh - `greenslot report`: one self-contained HTML file from
# plans and the carbon intensity in the store (real CISO, ERCO and GB
# slices), escaping of hostile ids, several plans, and its failures.
. "$(dirname "$0")/../lib.sh"

R=$FIX/report
EVIL_ESC="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; é"

test_expect_success 'ingest the carbon-intensity slices' '
	cp "$R"/*.csv "$R"/feeds.json "$R"/sites.json "$R"/plan*.json . &&
	expect_code 0 $GS ingest --feeds feeds.json
'

test_expect_success 'report on one plan' '
	expect_code 0 $GS report --sites sites.json -o r.html plan.json &&
	test -s r.html &&
	! test -s out &&
	for id in train-resnet-7 etl-nightly sim-interruptible too-big; do
		test_grep "<td>$id</td>" r.html || return 1
	done &&
	test_grep "<svg " r.html &&
	test "$(grep -c "<figure class=\"chart\">" r.html)" -eq 4
'

test_expect_success 'the report states its units and what the plan assumed' '
	test_grep "kg CO2eq" r.html &&
	test_grep "energy \(kWh\)" r.html &&
	test_grep "gCO2eq/kWh" r.html &&
	test_grep "<dd>recorded \(oracle\)</dd>" r.html &&
	test_grep "<div class=\"v\">13.9</div><div class=\"u\">kg CO2eq</div>" r.html &&
	test_grep "3.30</div><div class=\"u\">kg CO2eq, 19.2" r.html &&
	test_grep "no carbon-intensity data" r.html
'

test_expect_success 'the report reads on a phone and prints' '
	test_grep "<meta charset=\"utf-8\">" r.html &&
	test_grep "<meta name=\"viewport\" content=\"width=device-width" r.html &&
	test_grep "class=\"table-wrap\"" r.html &&
	test_grep "@media print" r.html
'

test_expect_success 'no external references, no scripts' '
	all=$(grep -o "https\{0,1\}://" r.html | wc -l) &&
	ns=$(grep -o "<svg role=\"img\" aria-label=\"[^\"]*\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"" r.html | wc -l) &&
	test "$all" -eq $((2 * ns)) &&
	test "$ns" -eq 4 &&
	! grep -q "<script" r.html &&
	! grep -qi " src=" r.html &&
	! grep -q "<link" r.html &&
	! grep -q "@import" r.html &&
	! grep -q "@font-face" r.html &&
	! grep -q "<?xml" r.html
'

test_expect_success 'a hostile job id comes out as text' '
	grep -F -q "<td>$EVIL_ESC</td>" r.html &&
	! grep -F -q "<script>alert" r.html &&
	test_grep "16 &lt;capacity&gt;</td>" r.html
'

test_expect_success 'one plan has no comparison table' '
	! grep -q "Plans compared" r.html
'

test_expect_success 'two plans are compared, the first one is shown' '
	expect_code 0 $GS report --sites sites.json -o two.html plan.json plan-fifo.json &&
	test_grep "Plans compared" two.html &&
	test_grep "<tr class=\"first\"><td title=\"plan.json\">plan.json</td><td>milp .oracle.</td>" two.html &&
	test_grep "<tr><td title=\"plan-fifo.json\">plan-fifo.json</td><td>fifo .oracle.</td><td>carbon</td><td>feasible</td><td class=\"num\">17.2</td>" two.html &&
	test_grep "show the first plan, <code>plan.json</code>" two.html &&
	! grep -q "<td>fifo-only-job</td>" two.html
'

test_expect_success 'a plan made on a forecast shows that forecast' '
	expect_code 0 $GS report --sites sites.json -o gb.html plan-gb.json &&
	test_grep "as forecast when the plan was made \(dashed\); 1 job placed at site <b>gb-london</b>" gb.html &&
	test_grep "<dd>forecast GB uk issued 2023-03-16T12:01:00Z</dd>" gb.html
'

test_expect_success 'SOURCE_DATE_EPOCH makes the report reproducible' '
	SOURCE_DATE_EPOCH=1625097600 $GS report --sites sites.json -o a.html plan.json &&
	SOURCE_DATE_EPOCH=1625097600 $GS report --sites sites.json -o b.html plan.json &&
	cmp a.html b.html &&
	test_grep "generated 2021-07-01T00:00:00Z by greenslot" a.html
'

test_expect_success '-o - writes to stdout' '
	expect_code 0 $GS report --sites sites.json -o - plan.json &&
	test_grep "^<!DOCTYPE html>" out &&
	test_grep "</html>" out
'

test_expect_success 'a missing plan file is an input error naming it' '
	expect_code 2 $GS report --sites sites.json -o m.html plan.json missing.json &&
	test_grep "missing.json" err &&
	! test -e m.html
'

test_expect_success 'a job on a site the catalog lacks is an input error' '
	cat >one-site.json <<-\EOF &&
	{"sites": [{"id": "gb-london", "zone": "GB", "capacity": {"gpu": 8},
	            "power_w": {"gpu": 350}, "pue": 1.15}]}
	EOF
	expect_code 2 $GS report --sites one-site.json -o s.html plan.json &&
	test_grep "^greenslot: unknown site .ca-north. of job .train-resnet-7. in plan .plan.json. \(not in .one-site.json.\)$" err &&
	! test -e s.html
'

test_expect_success 'an unwritable output fails and leaves no partial file' '
	expect_code 1 $GS report --sites sites.json -o no-such-dir/r.html plan.json &&
	test_grep "^greenslot: cannot" err &&
	! test -e no-such-dir &&
	mkdir is-a-dir &&
	expect_code 1 $GS report --sites sites.json -o is-a-dir plan.json &&
	test -z "$(ls is-a-dir)" &&
	test -z "$(ls | grep "\.tmp")"
'

test_expect_success 'usage errors' '
	expect_code 2 $GS report --sites sites.json &&
	test_grep "^greenslot: no plan given" err &&
	expect_code 2 $GS report --sites sites.json --bogus plan.json &&
	test_grep "^greenslot: unknown option .--bogus." err &&
	expect_code 2 $GS report --sites sites.json plan.json -o &&
	test_grep "^greenslot: option .-o. needs a value" err &&
	expect_code 2 $GS report -o r.html plan.json &&
	test_grep "needs --sites" err
'

test_expect_success 'the sections are there, with their units' '
	for id in summary timelines heatmap forecast jobs unplaced health; do
		test_grep "<section id=\"$id\">" r.html || return 1
	done &&
	test_grep "<h2>Carbon intensity by site and hour</h2>" r.html &&
	test_grep "Mean carbon intensity of each site.s zone per hour" r.html &&
	test_grep "<dd>1 of 4 predicted from past runs" r.html &&
	test_grep "The plan was made on recorded values, not on a forecast" r.html
'

test_expect_success 'a plan whose time has passed is scored on recorded values' '
	test_grep "<dt>on recorded values</dt><dd>[0-9.]+&nbsp;kg CO2eq emitted against [0-9.]+&nbsp;kg expected" r.html &&
	test_grep "<th class=\"num\">on recorded CI \(kg CO2eq\)</th>" r.html
'

test_expect_success 'data health: last good ingest per feed, rejected points, gaps' '
	for feed in ciso erco uk; do
		test_grep "<tr><td>$feed</td><td><time datetime=" r.html || return 1
	done &&
	test_grep "<td class=\"num\">0</td><td class=\"num\">0 of 1</td><td>ok [^<]*0 rejected</td></tr>" r.html &&
	test_grep "<tr><td>GB</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">48.0&nbsp;h</td>" r.html
'

test_expect_success 'a plan made on a forecast is scored against it' '
	test_grep "<tr><td>GB</td><td><time datetime=\"2023-03-16T12:01:00Z\">" gb.html &&
	grep -A1 "<tr><td>GB</td><td><time datetime=\"2023-03-16T12:01:00Z\">" gb.html >fq &&
	test_grep "</time></td><td class=\"num\">[1-9][0-9]*</td><td class=\"num\">[0-9.]+</td>" fq
'

test_expect_success 'forecast quality: from the first plan made on a forecast; no backtest without history' '
	expect_code 0 $GS report --sites sites.json -o fq.html plan.json plan-gb.json &&
	test_grep "The first plan was made on recorded values; this is the forecast <code>plan-gb.json</code> assumed" fq.html &&
	test_grep "<tr><td>GB</td><td><time datetime=\"2023-03-16T12:01:00Z\">" fq.html &&
	test_grep "<h3>Backtest over the 14 days before the plan</h3>" r.html &&
	test_grep "Not backtested: CISO, too little recorded before the plan \(greenslot&#39;s model needs 14 days before each issue\)" r.html &&
	! grep -q "<table class=\"bt\">" r.html
'

test_expect_success 'every chart alone, as SVG, PNG or PDF' '
	expect_code 0 $GS report --sites sites.json --chart list plan.json &&
	printf "heatmap\ntimeline:ca-north\ntimeline:tx-dallas\ntimeline:gb-london\n" >expect &&
	test_cmp expect out &&
	expect_code 0 $GS report --sites sites.json --chart heatmap plan.json &&
	head -c 4 heatmap.svg | grep -q "<svg" &&
	expect_code 0 $GS report --sites sites.json --chart timeline:ca-north -o ca.png plan.json &&
	head -c 4 ca.png | grep -q PNG &&
	expect_code 0 $GS report --sites sites.json --chart timeline:tx-dallas --format pdf -o tx.chart plan.json &&
	head -c 4 tx.chart | grep -q "%PDF" &&
	expect_code 0 $GS report --sites sites.json --chart timeline:gb-london plan.json &&
	test -s timeline-gb-london.svg
'

test_expect_success 'chart usage errors' '
	expect_code 2 $GS report --sites sites.json --chart nope plan.json &&
	test_grep "^greenslot: unknown chart .nope. \(charts: heatmap, timeline:SITE" err &&
	expect_code 2 $GS report --sites sites.json --chart timeline:mars plan.json &&
	expect_code 2 $GS report --sites sites.json --chart heatmap --format gif plan.json &&
	test_grep "^greenslot: unknown chart format .gif. \(svg, png or pdf\)$" err &&
	expect_code 2 $GS report --sites sites.json --format png plan.json &&
	test_grep "^greenslot: --format needs --chart" err
'

# A real browser, when one is installed: the page renders, is not blank,
# makes no network request and shows every job id as text.
if command -v chromium >/dev/null 2>&1; then
	CHECK_RENDER="sh $TOP/tests/tools/render-check.sh"
	test_expect_success 'chromium renders the report without a request' '
		$CHECK_RENDER r.html shot &&
		test -s shot.png &&
		for id in train-resnet-7 etl-nightly sim-interruptible too-big; do
			test_grep "<td>$id</td>" shot.dom || return 1
		done
	'
	test_expect_success 'the hostile job id is text in the browser too' '
		grep -F -q "<td>&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; '"'"'q'"'"' é</td>" shot.dom &&
		! grep -q "<script" shot.dom
	'
	test_expect_success 'the render check counts the pixels: a blank page fails it' '
		test_grep "^png-ink: 1200 x 2000, [0-9.]+% ink, [0-9]+ colours$" shot.ink &&
		awk "{ sub(\"%\", \"\", \$5); exit !(\$5 >= 2 && \$7 >= 8) }" shot.ink &&
		printf "<!DOCTYPE html><html><body><p>.</p></body></html>" >blank.html &&
		! $CHECK_RENDER blank.html blank 2>blank.err &&
		test_grep "render-check: the screenshot blank.png looks blank: png-ink: 1200 x 2000, 0.0[0-9]% ink" blank.err
	'
	test_expect_success 'the render check sees a request when a page makes one' '
		echo "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>" >fetch.html &&
		! $CHECK_RENDER fetch.html fetch 2>check.err &&
		test_grep "page request: http://127.0.0.1:9/x.png" fetch.netlog.json check.err ||
		grep -q "made network requests" check.err
	'
else
	for t in 'chromium renders the report without a request' \
		'the hostile job id is text in the browser too' \
		'the render check counts the pixels: a blank page fails it' \
		'the render check sees a request when a page makes one'; do
		test_count=$((test_count + 1))
		echo "ok $test_count # skip $t (chromium not installed)"
	done
fi

test_done
