#!/usr/bin/env python3
# Writes the large inputs of the load and fault tests: N feeds of P points
# each of 15-minute carbon intensity from 2020-01-01, in greenslot's
# long-form CSV (bigI.csv, zone PREFIX<I>), and big.json naming them all.
# Seeded, so every run tests the same bytes.
#   usage: gen-points.py N P PREFIX SEED
import random
import sys
import time


def main():
    n, points, prefix, seed = (int(sys.argv[1]), int(sys.argv[2]),
                               sys.argv[3], int(sys.argv[4]))
    rng = random.Random(seed)
    with open("big.json", "w") as f:
        f.write('{"feeds": [\n' + ",\n".join(
            '  {"name": "f%d", "kind": "csv", "url": "big%d.csv"}' % (i, i)
            for i in range(n)) + "\n]}\n")
    stamps = [time.strftime("%Y-%m-%dT%H:%M:%SZ",
                            time.gmtime(1577836800 + k * 900))
              for k in range(points)]
    for i in range(n):
        with open("big%d.csv" % i, "w") as f:
            f.write("time,zone,signal,value\n")
            for stamp in stamps:
                f.write("%s,%s%d,carbon_intensity,%.1f\n" % (
                    stamp, prefix, i, rng.uniform(5, 900)))


if __name__ == "__main__":
    main()
