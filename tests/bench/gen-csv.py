#!/usr/bin/env python3
# Writes the CSV benchmark's input: one year (2023) of hourly carbon
# intensity for 50 zones as greenslot's generic long-form CSV
# (time,zone,signal,value), 438,000 rows.  Seeded, so every run of
# `make bench` measures the same bytes.  Values follow a daily solar dip
# and a seasonal swing around a per-zone base, plus noise.
import math
import random
import sys
import time

ZONES = 50
HOURS = 8760
T0 = 1672531200  # 2023-01-01T00:00:00Z


def main():
    rng = random.Random(20231)
    out = sys.stdout
    zones = []
    for i in range(ZONES):
        base = rng.uniform(30, 750)
        zones.append(("Z%02d" % i, base, rng.uniform(0.05, 0.35),
                      rng.uniform(0.02, 0.2)))
    out.write("time,zone,signal,value\n")
    for name, base, solar, season in zones:
        level = base
        for h in range(HOURS):
            t = T0 + h * 3600
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
            day = (h % 24) / 24.0
            year = h / HOURS
            level += (base - level) * 0.05 + rng.gauss(0, base * 0.02)
            v = level * (1 - solar * max(0.0, math.sin(math.pi * (day - 0.25) * 2))
                         + season * math.cos(2 * math.pi * year))
            v = min(max(v, 5.0), 1500.0)
            out.write("%s,%s,carbon_intensity,%.1f\n" % (stamp, name, v))


if __name__ == "__main__":
    main()
