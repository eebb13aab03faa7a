#!/bin/sh
# bench-solver.sh - greenslot's solver against GLPK on the textbook model
# and against least-slack greedy, on seeded instances made from real
# carbon curves (tests/bench/gen-instance.py), all in the same run.
#
#   sizes (jobs x sites x hours, time limit): 100x5x48 5 s, 300x8x48 30 s,
#   1000x10x48 60 s; with BENCH_LARGE=1 also 10000x20x72 300 s.  300 and
#   up mix in interruptible, dependent and identical jobs.
#
# For each: greenslot milp (its objective, proven bound, gap, time,
# unplaced jobs, peak memory), greenslot greedy, and glpsol on the
# textbook model (one binary per job, site and start; every job placed)
# with the same time limit, plus glpsol's LP relaxation of that model
# (the reference bound, given BENCH_LP_LIMIT seconds, default 300; "-"
# when it is not solved in that time).
# Every greenslot plan is re-checked by tests/tools/plan-check.py.
# Timings depend on the machine and its load; nothing is asserted.
#
# usage: sh bench-solver.sh GREENSLOT OUT_DIR WORK_DIR
gs=${1:?usage: bench-solver.sh GREENSLOT OUT_DIR WORK_DIR}
out=${2:?}
work=${3:?}
here=$(cd "$(dirname "$0")" && pwd)
check="python3 $here/../tools/plan-check.py"
seed=${BENCH_SEED:-7}
sizes="100:5:48:5 300:8:48:30 1000:10:48:60"
[ -z "$BENCH_LARGE" ] || sizes="$sizes 10000:20:72:300"
have_glpsol=$(command -v glpsol)

die() { echo "bench-solver: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"

# "objective bound gap status unplaced" of a plan
plan_numbers() {
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1])); h = p["plan"]
print("%.3f %.3f %.4f %s %d" % (p["totals"]["emissions_kg"], h["bound"],
      h["gap"], h["status"], len(p["unplaced"])))' "$1"
}

# runs greenslot: solve_one DIR POLICY LIMIT HOURS -> "numbers seconds MB"
solve_one() {
	d=$1
	/usr/bin/time -f '%e %U %M' -o "$d/$2.time" "$gs" solve --db "$d/s.db" \
		--sites "$d/sites.json" --oracle --start "$(cat "$d/start")" \
		--horizon "PT$4H" --policy "$2" --time-limit "$3" \
		-o "$d/$2.json" "$d/jobs.json" 2>"$d/$2.err"
	[ $? -le 3 ] || die "greenslot solve --policy $2 failed: $(cat "$d/$2.err")"
	$check "$d/sites.json" "$d/$2.json" "$d/jobs.json" >"$d/$2.check" ||
		die "plan-check rejects the $2 plan: $(cat "$d/$2.check")"
	echo "$(plan_numbers "$d/$2.json") $(tail -n 1 "$d/$2.time" |
		awk '{ printf "%s %s %.0f", $1, $2, $3 / 1024 }')"
}

# glpsol on the textbook model: "objective-or-none seconds" and the LP
glpsol_mip() {
	d=$1
	t0=$(now)
	glpsol --lp "$d/model.lp" --tmlim "$2" -o "$d/mip.sol" >"$d/mip.log" 2>&1
	t1=$(now)
	obj=$(awk '/^Status:/ { st = $2 " " $3 } /^Objective:/ { v = $4 }
		END { if (st ~ /UNDEFINED|EMPTY/ || v == "") print "none"; else print v }' \
		"$d/mip.sol" 2>/dev/null)
	echo "${obj:-none} $(secs "$t0" "$t1")"
}

glpsol_lp() {
	d=$1
	t0=$(now)
	glpsol --lp "$d/model.lp" --nomip --tmlim "$2" -o "$d/lp.sol" \
		>"$d/lp.log" 2>&1
	t1=$(now)
	obj=$(awk '/^Status:/ { st = $2 } /^Objective:/ { v = $4 }
		END { if (st == "OPTIMAL") print v; else print "-" }' \
		"$d/lp.sol" 2>/dev/null)
	echo "${obj:--} $(secs "$t0" "$t1")"
}

row() {
	printf '%-12s %-22s %10s %10s %8s %7s %7s %5s %6s\n' "$@"
}

pct() { # a over b in percent, or -
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || a == "none" || b + 0 == 0) print "-";
		else printf "%+.1f%%", 100 * (a - b) / b }'
}

{
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	echo "solver: seeded instances (seed $seed) from real carbon curves," \
		"30-minute slots, capacity ~70% booked"
	echo "machine: $(nproc) cpus, ${cpu:-unknown cpu}; load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "glpsol: $(glpsol --version 2>/dev/null | head -n 1)"
	echo
	printf '%-12s %-22s %10s %10s %8s %7s %7s %5s %6s\n' size solver \
		"kg CO2eq" bound gap "s" "cpu s" unpl MB
} >"$out/solver.txt"

for spec in $sizes; do
	IFS=: read -r n s h lim <<-EOF
	$spec
	EOF
	d=$work/i$n
	mkdir -p "$d"
	mix=; [ "$n" -lt 300 ] || mix=--mix
	lp=; [ "$n" -gt 1000 ] || [ -z "$have_glpsol" ] || lp="--lp $d/model.lp"
	# shellcheck disable=SC2086
	python3 "$here/gen-instance.py" --seed "$seed" --hours "$h" $mix $lp \
		"$n" "$s" "$d" || die "gen-instance.py failed"
	"$gs" ingest -q --db "$d/s.db" --feeds "$d/feeds.json" ||
		die "ingest failed"
	echo "$n x $s x ${h}h, time limit $lim s"
	set -- $(solve_one "$d" milp "$lim" "$h")
	m_obj=$1 m_bound=$2 m_gap=$3 m_st=$4 m_un=$5 m_s=$6 m_cpu=$7 m_mb=$8
	set -- $(solve_one "$d" greedy "$lim" "$h")
	g_obj=$1 g_un=$5 g_s=$6 g_cpu=$7 g_mb=$8
	lpb=- lps=- mip=- mips=-
	if [ -n "$lp" ]; then
		set -- $(glpsol_lp "$d" "${BENCH_LP_LIMIT:-300}"); lpb=$1 lps=$2
		set -- $(glpsol_mip "$d" "$lim"); mip=$1 mips=$2
	fi
	{
		size="${n}x${s}x${h}h"
		row "$size" "greenslot milp" "$m_obj" "$m_bound" "$m_gap" \
			"$m_s" "$m_cpu" "$m_un" "$m_mb"
		row "" "least-slack greedy" "$g_obj" - - "$g_s" "$g_cpu" \
			"$g_un" "$g_mb"
		row "" "glpsol textbook MIP" "$mip" - - "$mips" - - -
		row "" "glpsol textbook LP" - "$lpb" - "$lps" - - -
		echo "             greenslot vs textbook LP bound: $(pct "$m_obj" "$lpb");" \
			"vs greedy: $(pct "$m_obj" "$g_obj") (greedy leaves $g_un unplaced," \
			"greenslot $m_un; status $m_st)"
	} >>"$out/solver.txt"
done
cat "$out/solver.txt"
