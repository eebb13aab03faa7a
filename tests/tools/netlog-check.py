#!/usr/bin/env python3
"""Lists the network requests a page made, from a Chromium net log
(--log-net-log=FILE), and fails (exit 1) when there is any.

Chromium's own background requests (updates, accounts) have no origin
("not an origin"); a request of the page has the page's origin, "null"
for a file:// page.  file:// loads themselves never reach the network
stack, so the report's own load is not in the log.

Usage: netlog-check.py NETLOG"""
import json
import sys

log = json.load(open(sys.argv[1]))
start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
urls = [e["params"]["url"] for e in log["events"]
        if e["type"] == start_job and "url" in e.get("params", {})
        and e["params"].get("initiator") != "not an origin"]
for u in urls:
    print("page request: %s" % u)
sys.exit(1 if urls else 0)
