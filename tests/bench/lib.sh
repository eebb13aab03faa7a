# lib.sh - timing helpers the benchmarks share (tests/bench.sh and each
# tests/bench/bench-NAME.sh source it).  Times come from `date +%s.%N`.

now() { date +%s.%N; }
# Seconds from $1 to $2, three decimals.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# The median of the numbers given (one per argument).
median() {
	printf '%s\n' "$@" | sort -n |
		awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.3f", m }'
}
