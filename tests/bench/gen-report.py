#!/usr/bin/env python3
"""Inputs for the report benchmark (seeded, so every run is the same):
20 sites in 20 zones, hourly carbon intensity for the 7 days before and
the 72 hours of the plan (a daily cycle plus noise, long-form CSV with a
feeds file), and a plan of 10,000 jobs spread over those sites and hours
in PLAN.json form, as `greenslot solve` writes it.

Usage: gen-report.py OUT_DIR [NJOBS] [NSITES] [HOURS]"""
import json
import math
import os
import random
import sys
from datetime import datetime, timedelta, timezone

out = sys.argv[1]
njobs = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
nsites = int(sys.argv[3]) if len(sys.argv) > 3 else 20
hours = int(sys.argv[4]) if len(sys.argv) > 4 else 72
rng = random.Random(20261125)
start = datetime(2026, 11, 2, tzinfo=timezone.utc)
history = 7 * 24


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


sites = [{"id": "site-%02d" % i, "zone": "Z%02d" % i,
          "capacity": {"gpu": 64, "cpu": 1024},
          "power_w": {"gpu": 300, "cpu": 10}, "pue": 1.2}
         for i in range(nsites)]
with open(os.path.join(out, "sites.json"), "w") as f:
    json.dump({"sites": sites}, f, indent=1)

with open(os.path.join(out, "ci.csv"), "w") as f:
    f.write("time,zone,signal,value\n")
    for i in range(nsites):
        base = 80 + 25 * i
        for h in range(-history, hours):
            t = start + timedelta(hours=h)
            v = base * (1 + 0.3 * math.sin(2 * math.pi * (h % 24) / 24 + i))
            f.write("%s,Z%02d,carbon_intensity,%.1f\n"
                    % (iso(t), i, max(1.0, v + rng.gauss(0, 8))))
with open(os.path.join(out, "feeds.json"), "w") as f:
    json.dump({"feeds": [{"name": "bench", "kind": "csv",
                          "url": "ci.csv"}]}, f)

jobs = []
total = {"energy_kwh": 0.0, "emissions_kg": 0.0, "cost": 0.0,
         "baseline_emissions_kg": 0.0}
for k in range(njobs):
    site = sites[rng.randrange(nsites)]["id"]
    dur = rng.randint(1, 8)
    s = rng.randint(0, hours - dur)
    t0 = start + timedelta(hours=s)
    t1 = t0 + timedelta(hours=dur)
    kwh = round(dur * rng.uniform(0.5, 3.0), 3)
    kg = round(kwh * rng.uniform(0.05, 0.4), 4)
    base = round(kg * rng.uniform(1.0, 1.4), 4)
    jobs.append({"id": "job-%05d" % k, "site": site, "start": iso(t0),
                 "end": iso(t1),
                 "segments": [{"start": iso(t0), "end": iso(t1)}],
                 "runtime_s": dur * 3600, "energy_kwh": kwh,
                 "emissions_kg": kg, "cost": round(kwh * 0.2, 3),
                 "baseline_emissions_kg": base,
                 "saving_kg": round(base - kg, 4), "profile": 0,
                 "runtime_predicted": k % 3 == 0})
    total["energy_kwh"] += kwh
    total["emissions_kg"] += kg
    total["cost"] += kwh * 0.2
    total["baseline_emissions_kg"] += base
plan = {"plan": {"policy": "greedy", "objective": "carbon",
                 "status": "feasible", "slot": "PT1H", "start": iso(start),
                 "end": iso(start + timedelta(hours=hours)),
                 "oracle": False, "objective_value": total["emissions_kg"],
                 "bound": 0, "gap": 0, "solve_seconds": 0},
        "totals": total, "jobs": jobs, "unplaced": []}
with open(os.path.join(out, "plan.json"), "w") as f:
    json.dump(plan, f)
