#!/usr/bin/env python3
# Writes the ENTSO-E benchmark's input: one year (2023) of 15-minute
# actual generation per production type (documentType A75) for one zone
# (DE-LU), as the Transparency Platform's GL_MarketDocument XML: 16
# production types, each a TimeSeries with one Period per day (96 Points,
# curveType A01), plus pumped-storage consumption (outBiddingZone only)
# as real responses carry it.  Seeded, so every run is the same file.
import math
import random
import sys
import time

T0 = 1672531200  # 2023-01-01T00:00Z
DAYS = 365
EIC = "10Y1001A1001A82H"
NS = "urn:iec62325.351:tc57wg16:451-6:generationloaddocument:3:0"

# psrType, typical MW, daily shape ("solar", "flat", "wind", "load")
TYPES = [
    ("B01", 4500, "flat"), ("B02", 11000, "load"), ("B04", 6000, "load"),
    ("B05", 5500, "load"), ("B06", 300, "flat"), ("B09", 25, "flat"),
    ("B10", 1200, "load"), ("B11", 1700, "flat"), ("B12", 150, "flat"),
    ("B14", 2500, "flat"), ("B15", 170, "flat"), ("B16", 7000, "solar"),
    ("B17", 700, "flat"), ("B18", 2900, "wind"), ("B19", 13000, "wind"),
    ("B20", 1800, "flat"),
]


def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(t))


def shape(kind, q, year, wind):
    hour = q / 4.0
    if kind == "solar":
        s = math.sin(math.pi * (hour - 6) / 12) if 6 <= hour <= 18 else 0.0
        return 3.0 * s * (0.6 - 0.4 * math.cos(2 * math.pi * year))
    if kind == "wind":
        return wind
    if kind == "load":
        return 0.8 + 0.3 * math.sin(math.pi * (hour - 6) / 12)
    return 1.0


def series(out, rng, mrid, code, mw, kind, consumption):
    zone = "outBiddingZone_Domain.mRID" if consumption else \
        "inBiddingZone_Domain.mRID"
    out.write("\t<TimeSeries>\n\t\t<mRID>%d</mRID>\n"
              "\t\t<businessType>A01</businessType>\n"
              "\t\t<objectAggregation>A08</objectAggregation>\n"
              "\t\t<%s codingScheme=\"A01\">%s</%s>\n"
              "\t\t<quantity_Measure_Unit.name>MAW</quantity_Measure_Unit.name>\n"
              "\t\t<curveType>A01</curveType>\n"
              "\t\t<MktPSRType>\n\t\t\t<psrType>%s</psrType>\n\t\t</MktPSRType>\n"
              % (mrid, zone, EIC, zone, code))
    wind = rng.uniform(0.2, 1.5)
    for d in range(DAYS):
        t = T0 + d * 86400
        out.write("\t\t<Period>\n\t\t\t<timeInterval>\n"
                  "\t\t\t\t<start>%s</start>\n\t\t\t\t<end>%s</end>\n"
                  "\t\t\t</timeInterval>\n"
                  "\t\t\t<resolution>PT15M</resolution>\n"
                  % (stamp(t), stamp(t + 86400)))
        year = d / DAYS
        for q in range(96):
            wind = min(max(wind + rng.gauss(0, 0.03), 0.02), 2.5)
            f = shape(kind, q, year, wind) * rng.uniform(0.97, 1.03)
            if consumption:
                f = 1.6 - f
            v = max(0, int(round(mw * f)))
            out.write("\t\t\t<Point>\n\t\t\t\t<position>%d</position>\n"
                      "\t\t\t\t<quantity>%d</quantity>\n\t\t\t</Point>\n"
                      % (q + 1, v))
        out.write("\t\t</Period>\n")
    out.write("\t</TimeSeries>\n")


def main():
    rng = random.Random(20232)
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<GL_MarketDocument xmlns="%s">\n'
              "\t<mRID>b3c1e0d2a4f5968778695a4b3c2d1e0f</mRID>\n"
              "\t<revisionNumber>1</revisionNumber>\n"
              "\t<type>A75</type>\n"
              "\t<process.processType>A16</process.processType>\n"
              "\t<createdDateTime>2024-01-02T06:00:00Z</createdDateTime>\n"
              "\t<time_Period.timeInterval>\n"
              "\t\t<start>%s</start>\n\t\t<end>%s</end>\n"
              "\t</time_Period.timeInterval>\n"
              % (NS, stamp(T0), stamp(T0 + DAYS * 86400)))
    mrid = 1
    for code, mw, kind in TYPES:
        series(out, rng, mrid, code, mw, kind, False)
        mrid += 1
    series(out, rng, mrid, "B10", 900, "load", True)
    out.write("</GL_MarketDocument>\n")


if __name__ == "__main__":
    main()
