#!/usr/bin/env python3
"""plan-check.py - re-checks a greenslot plan independently of the solver.

usage: plan-check.py [--ci CI.csv [--temp TEMP.csv] [--total] [--rescore]]
                     SITES.json PLAN.json JOBS.json...

Written from the contract alone (no code shared with greenslot), so that a
bug in the solver's accounting or constraints cannot hide in the check.
Checks that every job is either placed or unplaced (once, with a reason);
that each placed job runs on an allowed site (latency requirement
included), inside its window rounded to the plan's slot grid, for
ceil(duration / speed / slot) slots, in one segment unless interruptible
(then in at most max_pieces, default 4, ordered apart segments on the grid,
the first starting at its start and the last ending at its end);
that no site exceeds its capacity of any resource in any slot; that every
job starts after its predecessors end (and is unplaced when one of them
is); that the totals are the sums over the jobs; and, for sites with a
constant PUE, that energy_kwh = P_W / 1000 x PUE x hours.  With --ci
(CSV time,zone,value of carbon intensity, piecewise constant) it also
recomputes the emissions of every job on a constant-PUE site; with --temp
too (CSV time,zone,value of temperature, zone being the site's weather key;
a slot without temperature takes the base PUE, as greenslot does) the
energy and emissions of every job on any site.  --total prints the
recomputed total emissions ("emissions_kg N") for comparing plans;
--rescore does not compare each job's emissions with the plan's, for
scoring a plan on other values than it was made on (e.g. the recorded
ones).

Exits 0 when the plan passes, 1 listing every violation, 2 on bad input.
"""
import csv
import datetime as dt
import json
import math
import re
import sys

TOL = 1e-6


def fail_usage(msg):
    sys.stderr.write("plan-check: %s\n" % msg)
    sys.exit(2)


def parse_time(s):
    s = s.replace(" ", "T")
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        fail_usage("time without offset '%s'" % s)
    return int(t.timestamp())


DUR_RE = re.compile(r"^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
                    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?"
                    r"(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_duration(s):
    m = DUR_RE.match(s)
    if not m or s in ("P", "PT") or s.endswith("T"):
        fail_usage("bad duration '%s'" % s)
    w, d, h, mi, se = (float(x) if x else 0.0 for x in m.groups())
    return int(round(w * 604800 + d * 86400 + h * 3600 + mi * 60 + se))


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail_usage("cannot read '%s': %s" % (path, e))


def load_jobs(paths):
    jobs = []
    for p in paths:
        doc = load_json(p)
        if isinstance(doc, dict) and "jobs" in doc:
            doc = doc["jobs"]
        if isinstance(doc, dict):
            doc = [doc]
        jobs.extend(doc)
    return {j["id"]: j for j in jobs}, [j["id"] for j in jobs]


def profiles(job):
    if "profiles" in job:
        return job["profiles"]
    return [{k: job[k] for k in ("resources", "duration", "power_w")
             if k in job}]


def floor_div(a, b):
    return a // b


class Checker:
    def __init__(self, sites, jobs, order, plan, temp=None):
        self.temp = temp
        self.rescore = False
        self.total = float("nan")
        self.sites = {s["id"]: s for s in sites}
        self.site_order = [s["id"] for s in sites]
        self.jobs = jobs
        self.order = order
        self.plan = plan
        self.errors = []
        hdr = plan["plan"]
        self.slot = parse_duration(hdr["slot"])
        self.start = parse_time(hdr["start"])
        self.end = parse_time(hdr["end"])

    def err(self, msg):
        self.errors.append(msg)

    def slot_of(self, t):
        return floor_div(t - self.start, self.slot)

    def allowed(self, job, site_id):
        if "sites" in job and site_id not in job["sites"]:
            return False
        lat = job.get("latency")
        if lat:
            ms = self.sites[site_id].get("latency_ms", {}).get(lat["users"])
            if ms is None or ms > lat["max_ms"]:
                return False
        return True

    def power_w(self, prof, site):
        if "power_w" in prof:
            return prof["power_w"]
        return sum(n * site.get("power_w", {}).get(r, 0)
                   for r, n in prof.get("resources", {}).items())

    def runtime_slots(self, prof, site):
        speed = site.get("speed", 1.0)
        d = parse_duration(prof["duration"])
        return max(1, math.ceil(d / speed / self.slot - 1e-9))

    def pick_profile(self, job, pj, site, nslots):
        """The plan's profile if it names one, else the first that fits."""
        profs = profiles(job)
        if isinstance(pj.get("profile"), int):
            i = pj["profile"]
            if 0 <= i < len(profs):
                return profs[i]
            self.err("%s: profile %d out of range" % (job["id"], i))
            return None
        for p in profs:
            if "duration" in p and self.runtime_slots(p, site) == nslots:
                return p
        return profs[0]

    def check_job(self, pj, usage, placed):
        jid = pj["id"]
        job = self.jobs.get(jid)
        if job is None:
            self.err("%s: placed but not in the job files" % jid)
            return
        sid = pj["site"]
        if sid not in self.sites:
            self.err("%s: unknown site '%s'" % (jid, sid))
            return
        site = self.sites[sid]
        if not self.allowed(job, sid):
            self.err("%s: site '%s' is not allowed" % (jid, sid))
        s, e = parse_time(pj["start"]), parse_time(pj["end"])
        if (s - self.start) % self.slot or (e - self.start) % self.slot:
            self.err("%s: start or end off the slot grid" % jid)
        if s < self.start or e > self.end:
            self.err("%s: runs outside the horizon" % jid)
        es = parse_time(job["earliest_start"])
        lf = parse_time(job["latest_finish"])
        first = -floor_div(self.start - es, self.slot)  # ceil
        last = floor_div(lf - self.start, self.slot)
        t0, t1 = self.slot_of(s), self.slot_of(e)
        if t0 < first:
            self.err("%s: starts before its earliest start (rounded up)"
                     % jid)
        if t1 > last:
            self.err("%s: ends after its latest finish (rounded down)"
                     % jid)
        segs = pj.get("segments", [])
        self.check_segments(job, segs, s, e)
        occupied = 0
        for sg in segs:
            occupied += parse_time(sg["end"]) - parse_time(sg["start"])
        prof = self.pick_profile(job, pj, site, occupied // self.slot)
        if prof is None:
            return
        want = self.runtime_slots(prof, site)
        if occupied != want * self.slot:
            self.err("%s: occupies %d s, want %d slots of %d s"
                     % (jid, occupied, want, self.slot))
        if abs(pj.get("runtime_s", 0) - occupied) > TOL:
            self.err("%s: runtime_s %s is not the time it occupies (%d)"
                     % (jid, pj.get("runtime_s"), occupied))
        for sg in segs:
            for t in range(self.slot_of(parse_time(sg["start"])),
                           self.slot_of(parse_time(sg["end"]))):
                for r, n in prof.get("resources", {}).items():
                    key = (sid, r, t)
                    usage[key] = usage.get(key, 0) + n
        placed[jid] = (s, e)
        self.check_energy(pj, prof, site)

    def check_segments(self, job, segs, s, e):
        """Segments: on the grid, in order, apart, from start to end, and
        no more of them than the job may run in."""
        jid = job["id"]
        if not segs:
            self.err("%s: no segments" % jid)
            return
        cap = job.get("max_pieces", 4) if job.get("interruptible") else 1
        if len(segs) > cap:
            self.err("%s: %d segments, at most %d allowed"
                     % (jid, len(segs), cap))
        prev = None
        for sg in segs:
            a, b = parse_time(sg["start"]), parse_time(sg["end"])
            if (a - self.start) % self.slot or (b - self.start) % self.slot:
                self.err("%s: a segment is off the slot grid" % jid)
            if b <= a:
                self.err("%s: an empty or reversed segment" % jid)
            if prev is not None and a <= prev:
                self.err("%s: segments overlap, touch or are out of order"
                         % jid)
            prev = b
        if parse_time(segs[0]["start"]) != s or \
                parse_time(segs[-1]["end"]) != e:
            self.err("%s: start and end are not those of its first and "
                     "last segments" % jid)

    def pue_at(self, site, t):
        """PUE over the slot from t: the contract's formula."""
        pue = site.get("pue", 1.0)
        if not isinstance(pue, dict):
            return pue
        temp = self.temp.get(site.get("weather", site["id"]))
        mean = slot_mean(temp, t, t + self.slot) if temp else float("nan")
        if math.isnan(mean):
            return pue["base"]
        return pue["base"] + pue["per_c"] * max(0.0, mean - pue["above_c"])

    def job_slots(self, pj):
        for sg in pj.get("segments", []):
            yield from range(parse_time(sg["start"]), parse_time(sg["end"]),
                             self.slot)

    def check_energy(self, pj, prof, site):
        if isinstance(site.get("pue", 1.0), dict) and self.temp is None:
            return  # depends on temperature we were not given
        kw = self.power_w(prof, site) / 1000
        want = sum(kw * self.pue_at(site, t) * self.slot / 3600
                   for t in self.job_slots(pj))
        if abs(pj["energy_kwh"] - want) > 1e-6 * max(1, want):
            self.err("%s: energy_kwh %g, want %g"
                     % (pj["id"], pj["energy_kwh"], want))

    def check_capacity(self, usage):
        for (sid, r, t), n in sorted(usage.items()):
            cap = self.sites[sid].get("capacity", {}).get(r, 0)
            if n > cap + TOL:
                self.err("site '%s' uses %g of %g '%s' in slot %d"
                         % (sid, n, cap, r, t))

    def check_dependencies(self, placed, unplaced):
        for jid in self.order:
            job = self.jobs[jid]
            for pre in job.get("after", []):
                if jid in placed and pre in unplaced:
                    self.err("%s: placed but '%s' before it is not"
                             % (jid, pre))
                if jid in placed and pre in placed and \
                        placed[jid][0] < placed[pre][1]:
                    self.err("%s: starts before '%s' ends" % (jid, pre))

    def check_totals(self):
        tot = self.plan["totals"]
        jobs = self.plan["jobs"]
        for key in ("energy_kwh", "emissions_kg", "cost",
                    "baseline_emissions_kg"):
            s = sum(j.get(key, 0) for j in jobs)
            if abs(tot[key] - s) > 1e-6 * max(1, abs(s)):
                self.err("totals.%s is %r, the jobs sum to %r"
                         % (key, tot[key], s))

    def check_coverage(self, placed, unplaced):
        for jid in self.order:
            n = (jid in placed) + (jid in unplaced)
            if n != 1:
                self.err("%s: %s" % (jid, "missing from the plan" if n == 0
                                     else "both placed and unplaced"))
        for u in self.plan["unplaced"]:
            if not u.get("reason"):
                self.err("%s: unplaced without a reason" % u["id"])

    def check_emissions(self, ci):
        self.total = 0.0
        for pj in self.plan["jobs"]:
            site = self.sites.get(pj["site"])
            if site is None or (isinstance(site.get("pue", 1.0), dict)
                                and self.temp is None):
                self.total = float("nan")
                continue
            series = ci.get(site["zone"])
            if not series:
                self.err("%s: no CI for zone '%s' in --ci"
                         % (pj["id"], site["zone"]))
                continue
            prof = self.pick_profile(self.jobs[pj["id"]], pj, site,
                                     len(list(self.job_slots(pj))))
            kw = self.power_w(prof, site) / 1000
            want = 0.0
            for t in self.job_slots(pj):
                want += kw * self.pue_at(site, t) * self.slot / 3600 * \
                    slot_mean(series, t, t + self.slot) / 1000
            self.total += want
            if not self.rescore and \
                    abs(pj["emissions_kg"] - want) > 1e-6 * max(1, want):
                self.err("%s: emissions_kg %g, want %g from --ci"
                         % (pj["id"], pj["emissions_kg"], want))

    def run(self, ci):
        usage, placed = {}, {}
        unplaced = {u["id"] for u in self.plan["unplaced"]}
        seen = set()
        for pj in self.plan["jobs"]:
            if pj["id"] in seen:
                self.err("%s: placed twice" % pj["id"])
            seen.add(pj["id"])
            self.check_job(pj, usage, placed)
        self.check_coverage(placed, unplaced)
        self.check_capacity(usage)
        self.check_dependencies(placed, unplaced)
        self.check_totals()
        if ci is not None:
            self.check_emissions(ci)
        return self.errors


def load_ci(path):
    """zone -> sorted [(time, value)], from a CSV time,zone,value."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["zone"], []).append(
                (parse_time(row["time"]), float(row["value"])))
    for v in out.values():
        v.sort()
    return out


def slot_mean(series, a, b):
    """Time-weighted mean of a piecewise-constant series over [a, b)."""
    step = series[1][0] - series[0][0] if len(series) > 1 else 3600
    total = covered = 0.0
    for i, (t, v) in enumerate(series):
        end = series[i + 1][0] if i + 1 < len(series) else t + step
        lo, hi = max(a, t), min(b, end)
        if hi > lo:
            total += v * (hi - lo)
            covered += hi - lo
    return total / covered if covered else float("nan")


def main(argv):
    ci_path = temp_path = None
    want_total = rescore = False
    args = argv[1:]
    while args and args[0].startswith("--"):
        if args[0] in ("--total", "--rescore"):
            want_total = want_total or args[0] == "--total"
            rescore = rescore or args[0] == "--rescore"
            args = args[1:]
        elif args[0] in ("--ci", "--temp") and len(args) >= 2:
            if args[0] == "--ci":
                ci_path = args[1]
            else:
                temp_path = args[1]
            args = args[2:]
        else:
            fail_usage("unknown option '%s'" % args[0])
    if len(args) < 3 or (want_total and not ci_path):
        fail_usage("usage: plan-check.py [--ci CI.csv [--temp TEMP.csv] "
                   "[--total] [--rescore]] SITES.json PLAN.json "
                   "JOBS.json...")
    sites = load_json(args[0])["sites"]
    plan = load_json(args[1])
    jobs, order = load_jobs(args[2:])
    ci = load_ci(ci_path) if ci_path else None
    temp = load_ci(temp_path) if temp_path else None
    checker = Checker(sites, jobs, order, plan, temp)
    checker.rescore = rescore
    errors = checker.run(ci)
    for e in errors:
        print("plan-check: %s" % e)
    if errors:
        return 1
    if want_total:
        print("emissions_kg %.9g" % checker.total)
    print("plan-check: %d jobs placed, %d unplaced: ok"
          % (len(plan["jobs"]), len(plan["unplaced"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
