#!/bin/sh
# bench-runtime.sh - the runtime predictors (issue 5): accuracy on a real
# HPC log against the baselines, training time on 100k runs, and the time
# to predict 10k jobs x 10 sites.  Writes OUT_DIR/runtime.txt.
#
#   accuracy  `greenslot train --evaluate` on the KTH SP2 log (the shared
#             data's KTH-SP2-first80.swf.gz, else the 1200-job slice of
#             the test fixtures): median absolute percentage error of
#             greenslot's P50, the requested time, the mean of the user's
#             last two runs and a random forest (XGBoost, 100 parallel
#             trees of depth 15, subsample 0.63, half the features per
#             node, one round at eta 1, same features and split), and the
#             share of held-out runs at or below greenslot's P90
#   train     `greenslot train` into a fresh store of 100k runs: the KTH
#             log repeated (each copy shifted past the previous one, ids
#             renumbered, runtimes jittered by up to +-10%), so read,
#             stored and trained from scratch
#   predict   `greenslot predict --sites` of 10k jobs without a duration
#             at 10 sites, against the store of `train` (the store's 100k
#             runs are read and replayed for the features, and counted)
#
# Medians of RUNTIME_RUNS (3) runs.
# Usage: sh tests/bench/bench-runtime.sh GREENSLOT OUT_DIR WORK_DIR
gs=${1:?usage: bench-runtime.sh GREENSLOT OUT_DIR WORK_DIR}
out=${2:?}
work=${3:?}
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${RUNTIME_RUNS:-3}
swf=$top/../shared/data/jobs/KTH-SP2-first80.swf.gz
[ -f "$swf" ] || swf=/work/shared/data/jobs/KTH-SP2-first80.swf.gz
[ -f "$swf" ] || swf=$top/tests/fixtures/runtime/kth-slice.swf.gz

die() { echo "bench-runtime: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
# CPU seconds (user + sys) of the children of a shell, from `times`
cpu_of() { # command...
	sh -c '"$@" >/dev/null || exit 1; times' sh "$@" | tail -n 1 |
		awk '{ split($1, u, /m|s/); split($2, s, /m|s/)
		       printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}
# value of key $2 in the flat JSON of file $1
jget() { python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    d = d[k]
print(round(d, 4) if isinstance(d, float) else d)' "$1" "$2"; }

mkdir -p "$work" "$out" || exit 1

# ---- accuracy ---------------------------------------------------------
t0=$(now)
"$gs" train -q --evaluate "$swf" >"$work/eval.json" ||
	die "train --evaluate failed"
teval=$(secs "$t0" "$(now)")

# ---- 100k runs --------------------------------------------------------
gzip -dc "$swf" | python3 -c '
import random, sys
random.seed(1)
lines = [l.split() for l in sys.stdin if l.strip() and not l.startswith(";")]
span = max(int(f[1]) for f in lines) + 86400
n = 0
while n < 100000:
    copy = n // len(lines)
    for f in lines:
        if n >= 100000:
            break
        g = list(f)
        n += 1
        g[0] = str(n)
        g[1] = str(int(f[1]) + copy * span)
        if int(f[3]) > 0:
            g[3] = str(max(1, int(int(f[3]) * random.uniform(0.9, 1.1))))
        print(" ".join(g))
' >"$work/100k.swf" || die "cannot synthesize 100k runs"
nruns=$(wc -l <"$work/100k.swf")

tt=
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	rm -f "$work/t.db" "$work/t.db-wal" "$work/t.db-shm"
	t0=$(now)
	"$gs" train -q --db "$work/t.db" "$work/100k.swf" >/dev/null ||
		die "train on 100k runs failed"
	tt="$tt $(secs "$t0" "$(now)")"
	echo "train run $i: ${tt##* } s"
done

# ---- 10k jobs x 10 sites ----------------------------------------------
python3 -c '
import json
sites = [{"id": "s%d" % i, "zone": "Z%d" % i, "speed": 1 + i / 10,
          "capacity": {"cpu": 10000}, "power_w": {"cpu": 10 + i}}
         for i in range(10)]
json.dump({"sites": sites}, open("'"$work"'/sites.json", "w"))
jobs = [{"id": "j%d" % i, "earliest_start": "1997-06-01T00:00:00Z",
         "latest_finish": "1997-06-08T00:00:00Z",
         "resources": {"cpu": 1 + i % 64},
         "features": {"user": "u%d" % (i % 200), "requested_s": 600 * (1 + i % 50)}}
        for i in range(10000)]
json.dump({"jobs": jobs}, open("'"$work"'/jobs.json", "w"))
' || die "cannot generate jobs"

tp=
cp=
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	t0=$(now)
	"$gs" predict --db "$work/t.db" --sites "$work/sites.json" \
		"$work/jobs.json" >"$work/pred.csv" || die "predict failed"
	tp="$tp $(secs "$t0" "$(now)")"
	cp="$cp $(cpu_of "$gs" predict --db "$work/t.db" --sites \
		"$work/sites.json" "$work/jobs.json")" || die "predict failed"
	echo "predict run $i: ${tp##* } s (another run: ${cp##* } CPU s)"
done
nrows=$(($(wc -l <"$work/pred.csv") - 1))

# shellcheck disable=SC2086
mt=$(median $tt)
# shellcheck disable=SC2086
mp=$(median $tp)
# shellcheck disable=SC2086
mc=$(median $cp)
e=$work/eval.json
{
	echo "Runtime predictors: held-out accuracy, training and prediction time"
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
		head -n 1)
	echo "machine: $(nproc) cpus, ${cpu:-unknown cpu}; $(uname -sr);" \
		"load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "accuracy: $(basename "$swf"), $(jget "$e" runs) runs; trained on" \
		"the first 80% by submit time ($(jget "$e" train) usable runs)," \
		"scored on the $(jget "$e" test) completed or timed-out runs" \
		"submitted from $(jget "$e" test_from) ($teval s)"
	printf '  %-42s %8s\n' "predictor" "MdAPE %"
	printf '  %-42s %8s\n' "greenslot P50 (XGBoost, pseudo-Huber)" \
		"$(jget "$e" mdape.greenslot)"
	printf '  %-42s %8s\n' "random forest (100 trees, depth 15)" \
		"$(jget "$e" mdape.random_forest)"
	printf '  %-42s %8s\n' "mean of the user's last two runs" \
		"$(jget "$e" mdape.user_last2)"
	printf '  %-42s %8s\n' "requested time" "$(jget "$e" mdape.requested)"
	echo "  P90 coverage: $(jget "$e" p90_coverage) (goal 0.85..0.95);" \
		"P50 coverage: $(jget "$e" p50_coverage)"
	echo
	echo "train: $nruns runs (SWF, KTH repeated with jitter) into a fresh" \
		"store: median $mt s (goal < 30 s); runs (s):$tt"
	echo "predict: 10000 jobs x 10 sites = $nrows rows, store of" \
		"$nruns runs: median $mp s wall, $mc s CPU (user + sys;" \
		"goal < 1 s); wall (s):$tp; CPU (s):$cp"
	echo "(timings taken while other work shared the machine: see the" \
		"load average above; CPU time is what a quiet machine would take)"
} >"$out/runtime.txt"
cat "$out/runtime.txt"
