#!/usr/bin/env python3
"""gen-instance.py - a seeded solver instance from real carbon curves.

usage: gen-instance.py [--seed N] [--hours H] [--mix] [--lp MODEL.lp]
                       JOBS SITES OUT_DIR

Writes OUT_DIR/sites.json, OUT_DIR/jobs.json, OUT_DIR/ci.csv (long form
time,zone,signal,value for `greenslot ingest`) and OUT_DIR/feeds.json,
planning H hours (default 48) of 30-minute slots from a day drawn from
tests/bench/data/carbon-2021-05-06.csv (real hourly carbon intensity of
five grids, see the README there).  Sites share the five zones and differ
in PUE and capacity; capacity is set so that the jobs book about 70% of
it over the horizon.  --mix adds interruptible jobs, chains of dependent
jobs (`after`) and groups of identical jobs.

With --lp it also writes the textbook time-indexed model in CPLEX LP
format for glpsol: one binary per job, allowed site and start slot, every
job placed exactly once, capacity rows per site, resource and slot, and
start >= end rows for dependencies; its coefficients follow the contract's
accounting (constant PUE, so no temperature is needed).
"""
import csv
import datetime as dt
import json
import math
import os
import random
import sys

SLOT = 1800
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "carbon-2021-05-06.csv")
ZONES = ["CISO", "ERCO", "ISNE", "PJM", "SE"]
POWER = {"gpu": 300, "cpu": 10}


def iso(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def load_ci():
    out = {}
    with open(DATA, newline="") as f:
        for row in csv.DictReader(f):
            t = int(dt.datetime.fromisoformat(
                row["time"].replace("Z", "+00:00")).timestamp())
            out.setdefault(row["zone"], {})[t] = float(row["value"])
    return out


def make_job(rng, i, nslots):
    gpu = rng.random() < 0.5
    res = {"gpu": rng.choice([1, 2, 4, 8])} if gpu else \
        {"cpu": rng.choice([8, 16, 32, 64, 128])}
    rt = rng.randint(2, 16)  # slots
    slack = rng.randint(rt // 2 + 1, min(48, nslots - rt))
    first = rng.randint(0, nslots - rt - slack)
    return {"id": "j%05d" % i, "res": res, "rt": rt, "first": first,
            "end": first + rt + slack}


def gen_jobs(rng, njobs, nslots, mix):
    jobs = []
    while len(jobs) < njobs:
        j = make_job(rng, len(jobs), nslots)
        r = rng.random() if mix else 1
        if r < 0.08 and len(jobs) + 3 <= njobs:  # identical group
            for _ in range(rng.randint(2, 3)):
                c = dict(j, id="j%05d" % len(jobs))
                jobs.append(c)
            continue
        if r < 0.16 and len(jobs) + 2 <= njobs and j["end"] + j["rt"] + 4 \
                <= nslots:  # a chain of two: the second after the first
            k = make_job(rng, len(jobs) + 1, nslots)
            k["first"] = j["first"]
            k["end"] = min(nslots, j["end"] + k["rt"] + rng.randint(0, 12))
            k["after"] = [j["id"]]
            jobs.append(j)
            jobs.append(k)
            continue
        if r < 0.28:
            j["interruptible"] = True
        jobs.append(j)
    for j in jobs:  # sites: most may run anywhere, some on a few
        j["sites"] = None
    return jobs[:njobs]


def gen_sites(rng, nsites, jobs, nslots):
    demand = {"gpu": 0.0, "cpu": 0.0}
    for j in jobs:
        for r, n in j["res"].items():
            demand[r] += n * j["rt"]
    sites = []
    weights = [rng.uniform(0.6, 1.4) for _ in range(nsites)]
    tot = sum(weights)
    for s in range(nsites):
        cap = {}
        for r in ("gpu", "cpu"):
            c = demand[r] / 0.7 / nslots * weights[s] / tot
            cap[r] = max(8 if r == "gpu" else 128, int(math.ceil(c)))
        sites.append({"id": "s%02d" % s, "zone": ZONES[s % len(ZONES)],
                      "capacity": cap, "power_w": dict(POWER),
                      "pue": round(rng.uniform(1.1, 1.4), 2)})
    return sites


def restrict_sites(rng, jobs, sites):
    for j in jobs:
        if "after" not in j and rng.random() < 0.2:
            k = rng.randint(1, max(1, len(sites) // 2))
            j["sites"] = sorted(s["id"] for s in rng.sample(sites, k))


def job_doc(j, t0):
    d = {"id": j["id"], "earliest_start": iso(t0 + j["first"] * SLOT),
         "latest_finish": iso(t0 + j["end"] * SLOT),
         "resources": j["res"], "duration": "PT%dM" % (j["rt"] * 30)}
    for k in ("after", "interruptible"):
        if k in j:
            d[k] = j[k]
    if j["sites"]:
        d["sites"] = j["sites"]
    return d


def slot_ci(ci, zone, t):
    return ci[zone][t - t % 3600]


def write_lp(path, jobs, sites, ci, t0, nslots):
    """The textbook model, CPLEX LP format."""
    cols = {}  # job id -> [(name, site, start, cost)]
    for j in jobs:
        for s in sites:
            if j["sites"] and s["id"] not in j["sites"]:
                continue
            kw = sum(n * POWER[r] for r, n in j["res"].items()) / 1000
            for t in range(j["first"], j["end"] - j["rt"] + 1):
                e = sum(kw * s["pue"] * 0.5 * slot_ci(ci, s["zone"],
                                                      t0 + k * SLOT) / 1000
                        for k in range(t, t + j["rt"]))
                cols.setdefault(j["id"], []).append(
                    ("x_%s_%s_%d" % (j["id"], s["id"], t), s, t, e))
    byid = {j["id"]: j for j in jobs}
    with open(path, "w") as f:
        f.write("Minimize\n obj:")
        for j in jobs:
            for name, _, _, c in cols.get(j["id"], []):
                f.write("\n + %.9f %s" % (c, name))
        f.write("\nSubject To\n")
        for j in jobs:
            f.write(" a_%s:" % j["id"])
            for name, _, _, _ in cols.get(j["id"], []):
                f.write(" + %s" % name)
            f.write(" = 1\n")
        use = {}
        for j in jobs:
            for name, s, t, _ in cols.get(j["id"], []):
                for r, n in j["res"].items():
                    for k in range(t, t + j["rt"]):
                        use.setdefault((s["id"], r, k), []).append((n, name))
        caps = {s["id"]: s["capacity"] for s in sites}
        for (sid, r, k), terms in sorted(use.items()):
            if sum(n for n, _ in terms) <= caps[sid][r]:
                continue
            f.write(" c_%s_%s_%d:" % (sid, r, k))
            for n, name in terms:
                f.write(" + %d %s" % (n, name))
            f.write(" <= %d\n" % caps[sid][r])
        for j in jobs:
            for p in j.get("after", []):
                f.write(" d_%s_%s:" % (j["id"], p))
                for name, _, t, _ in cols.get(j["id"], []):
                    f.write(" + %d %s" % (t, name))
                for name, _, t, _ in cols.get(p, []):
                    f.write(" - %d %s" % (t + byid[p]["rt"], name))
                f.write(" >= 0\n")
        f.write("Binary\n")
        for j in jobs:
            for name, _, _, _ in cols.get(j["id"], []):
                f.write(" %s\n" % name)
        f.write("End\n")


def main(argv):
    args = argv[1:]
    seed, hours, mix, lp = 1, 48, False, None
    while args and args[0].startswith("--"):
        o = args.pop(0)
        if o == "--seed":
            seed = int(args.pop(0))
        elif o == "--hours":
            hours = int(args.pop(0))
        elif o == "--mix":
            mix = True
        elif o == "--lp":
            lp = args.pop(0)
        else:
            sys.exit("gen-instance: unknown option %s" % o)
    if len(args) != 3:
        sys.exit(__doc__)
    njobs, nsites, out = int(args[0]), int(args[1]), args[2]
    rng = random.Random(seed)
    nslots = hours * 2
    ci = load_ci()
    first = min(ci["CISO"])
    days = (max(ci["CISO"]) - first) // 86400 - hours // 24 - 1
    t0 = first + rng.randint(0, days) * 86400
    jobs = gen_jobs(rng, njobs, nslots, mix)
    sites = gen_sites(rng, nsites, jobs, nslots)
    restrict_sites(rng, jobs, sites)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sites.json"), "w") as f:
        json.dump({"sites": sites}, f, indent=1)
    with open(os.path.join(out, "jobs.json"), "w") as f:
        json.dump({"jobs": [job_doc(j, t0) for j in jobs]}, f, indent=1)
    with open(os.path.join(out, "ci.csv"), "w") as f:
        f.write("time,zone,signal,value\n")
        for z in ZONES:
            for t in range(t0 - 3600, t0 + hours * 3600 + 3600, 3600):
                f.write("%s,%s,carbon_intensity,%g\n" % (iso(t), z, ci[z][t]))
    with open(os.path.join(out, "feeds.json"), "w") as f:
        json.dump({"feeds": [{"name": "bench", "kind": "csv",
                              "url": "ci.csv"}]}, f)
    with open(os.path.join(out, "start"), "w") as f:
        f.write(iso(t0) + "\n")
    if lp:
        write_lp(lp, jobs, sites, ci, t0, nslots)


if __name__ == "__main__":
    main(sys.argv)
