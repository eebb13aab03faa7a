#!/usr/bin/env python3
# Writes the store benchmark's input into DIR: one year (2023) of 5-minute
# carbon intensity for ZONES (100) zones, one generic wide-form CSV per
# zone (time,carbon_intensity; 105,120 rows each), a feeds file naming them
# all (year.json), and the day after that year as a second set of files
# (day.json: 288 rows per zone), which is what an hourly cron run adds to a
# full store.  Seeded, so every run measures the same bytes.
# Usage: gen-store.py DIR [ZONES]
import json
import os
import random
import sys
import time

T0 = 1672531200  # 2023-01-01T00:00:00Z
STEP = 300
YEAR = 365 * 288


def stamps(first, n):
    return [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(first + i * STEP))
            for i in range(n)]


def write_zone(path, times, rng, base):
    level = base
    with open(path, "w") as f:
        f.write("time,carbon_intensity\n")
        for t in times:
            level += (base - level) * 0.01 + rng.gauss(0, base * 0.005)
            f.write("%s,%.1f\n" % (t, min(max(level, 5.0), 1500.0)))


def main():
    out = sys.argv[1]
    zones = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    rng = random.Random(2023)
    year, day = stamps(T0, YEAR), stamps(T0 + YEAR * STEP, 288)
    feeds = {"year": [], "day": []}
    for i in range(zones):
        zone, base = "Z%03d" % i, rng.uniform(30, 750)
        for part, times in (("year", year), ("day", day)):
            path = os.path.join(out, "%s-%s.csv" % (zone, part))
            write_zone(path, times, rng, base)
            feeds[part].append({"name": "%s-%s" % (zone, part), "kind": "csv",
                                "zone": zone, "url": path})
    for part, list_ in feeds.items():
        with open(os.path.join(out, part + ".json"), "w") as f:
            json.dump({"feeds": list_}, f)


if __name__ == "__main__":
    main()
