#!/bin/sh
# TLS verification is on: a feed served over https by a server whose
# certificate no trusted CA signed (a throwaway CA made here with the
# openssl tool, the server Python's http.server wrapped in TLS) fails with
# curl's certificate error, exit 1, and stores nothing; what the store
# held before is untouched.  With "ca_file" naming that CA (relative to
# FEEDS.json) the same feed lands; the host name is still checked.
. "$(dirname "$0")/../lib.sh"

mkdir www
cp "$FIX/ingest/CISO-2021-06-01-07.csv" www/ciso.csv

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=greenslot test CA" \
	-keyout ca.key -out ca.pem 2>/dev/null &&
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	-keyout server.key -out server.csr 2>/dev/null &&
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-days 2 -extfile san.ext -out server.pem 2>/dev/null ||
	{ echo "Bail out! openssl cannot make the test certificates"; exit 1; }

python3 - <<'PY' 2>server.log &
import functools, http.server, os, ssl
handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                            directory="www")
server = http.server.HTTPServer(("127.0.0.1", 0), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("server.pem", "server.key")
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open("port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename("port.tmp", "port")
server.serve_forever()
PY
FAKE_SERVER_PID=$!
i=0
while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat port)

cat >feeds.json <<EOF
{"feeds": [
  {"name": "local", "kind": "csv", "zone": "CISO", "url": "www/ciso.csv"},
  {"name": "tls", "kind": "csv", "zone": "ERCO", "retries": 0,
   "url": "https://127.0.0.1:$PORT/ciso.csv"}
]}
EOF

test_expect_success 'the https server answers (checked with its own CA)' '
	python3 -c "
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=\"ca.pem\")
body = urllib.request.urlopen(\"https://127.0.0.1:$PORT/ciso.csv\", context=ctx).read()
sys.exit(0 if body.startswith(b\"time,\") else 1)"
'

test_expect_success 'a certificate no trusted CA signed is refused' '
	expect_code 0 $GS ingest --no-forecast --feeds feeds.json --feed local &&
	store_points greenslot.db >before &&
	test -s before &&
	expect_code 1 $GS ingest --no-forecast --feeds feeds.json &&
	test_grep "tls.*(certificate|SSL)" err &&
	store_points greenslot.db >after &&
	test_cmp before after &&
	test "$(sql greenslot.db "SELECT count(*) FROM series WHERE zone = '\''ERCO'\''")" = 0
'

mkdir conf && cp ca.pem conf/ca.pem
cat >conf/feeds.json <<EOF
{"feeds": [
  {"name": "tls", "kind": "csv", "zone": "ERCO", "retries": 0,
   "url": "https://127.0.0.1:$PORT/ciso.csv", "ca_file": "ca.pem"},
  {"name": "byname", "kind": "csv", "zone": "PJM", "retries": 0,
   "url": "https://localhost:$PORT/ciso.csv", "ca_file": "ca.pem"}
]}
EOF

test_expect_success '"ca_file" (relative to FEEDS.json) trusts that CA' '
	expect_code 0 $GS ingest --no-forecast --feeds conf/feeds.json \
		--feed tls &&
	test_grep "^tls: 1512 points: 1512 new" feeds &&
	expect_code 0 $GS series --zone ERCO --signal carbon_intensity \
		--from 2021-06-01T00:00:00Z --to 2021-06-01T03:00:00Z &&
	cat >want <<-EOF &&
	time,zone,signal,value
	2021-06-01T00:00:00Z,ERCO,carbon_intensity,153.86
	2021-06-01T01:00:00Z,ERCO,carbon_intensity,174.3
	2021-06-01T02:00:00Z,ERCO,carbon_intensity,222.5
	EOF
	test_cmp want out
'

test_expect_success '"ca_file" does not skip the host name check' '
	store_points greenslot.db >before &&
	expect_code 1 $GS ingest --no-forecast --feeds conf/feeds.json \
		--feed byname &&
	test_grep "byname.*certificate subject name .*localhost" err &&
	store_points greenslot.db >after &&
	test_cmp before after
'

test_expect_success 'a "ca_file" that is not there is a configuration error' '
	sed "s/\"ca.pem\"/\"nope.pem\"/" conf/feeds.json >conf/bad.json &&
	expect_code 2 $GS ingest --no-forecast --feeds conf/bad.json &&
	test_grep "^greenslot: conf/bad.json:3:[0-9]+: .ca_file.: cannot read .conf/nope.pem.: No such file or directory in feed .tls.$" err &&
	store_points greenslot.db >after &&
	test_cmp before after
'

test_done
