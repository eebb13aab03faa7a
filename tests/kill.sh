# tests/kill.sh - sourced after lib.sh by the SIGKILL tests (t082x):
#
#   kill_after DELAY CMD...  runs CMD in the background (output to
#                            ./kill.out and ./kill.err), SIGKILLs it after
#                            DELAY seconds, waits, and writes its exit
#                            status to ./rc (137: the kill cut it short)
#   make_delays SEED N MS    N seeded delays in seconds, uniform in
#                            [0, 1.2 x MS milliseconds], to ./delays
#   kill_rounds N DB CMD...  N rounds of: a fresh DB; CMD (which writes DB)
#                            killed after the next delay; check_store DB;
#                            CMD killed again over what the first left;
#                            check_store DB, and nothing of the first ./got
#                            lost; CMD run to its end; check_store DB and
#                            ./got equal to ./full.  Runs cut short are
#                            lines of ./killed.  With KILL_WANT=K set,
#                            rounds go on past N (up to 3N, delays for
#                            them too) until K runs were cut short: on a
#                            machine whose speed changes under other load
#                            a run may end before its delay.
#   clean_run CMD...         runs CMD (which writes clean.db) to its end,
#                            timed in ./clean-ms; contents to ./full
#   check_store DB           fails unless DB passes integrity_check and
#                            each line of its contents (to ./got) is one
#                            of ./full: nothing torn, nothing foreign
#   has_table DB TABLE       DB has that table (a killed run may leave
#                            a store without its schema)
#
# The test defines contents DB: what DB holds, sorted, one line for each
# unit that must be stored whole (a feed's zone with its count and
# checksum, a job run).

has_table() {
	test -n "$(sql "$1" "SELECT name FROM sqlite_master WHERE name = '$2'")"
}

check_store() {
	test "$(sql "$1" "PRAGMA integrity_check")" = ok &&
	contents "$1" >got &&
	comm -23 got full >torn &&
	test_cmp /dev/null torn
}

clean_run() {
	t0=$(date +%s%N) &&
	"$@" >/dev/null &&
	t1=$(date +%s%N) &&
	echo $(((t1 - t0) / 1000000)) >clean-ms &&
	contents clean.db >full
}

kill_after() {
	d=$1; shift
	"$@" >kill.out 2>kill.err &
	kill_pid=$!
	sleep "$d"
	kill -KILL $kill_pid 2>/dev/null
	wait $kill_pid
	echo $? >rc
}

make_delays() {
	awk -v seed="$1" -v n="$2" -v ms="$3" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) printf "%.3f\n", rand() * ms * 1.2 / 1000
	}' >delays
}

# kill_one DB DELAY CMD...: kill_after, then fails unless CMD was killed
# or ended well
kill_one() {
	db=$1 d=$2; shift 2
	kill_after "$d" "$@"
	case $(cat rc) in
	137) echo "$db $d" >>killed ;;
	0) ;;
	*) echo "exit $(cat rc) from: $*"; cat kill.err; return 1 ;;
	esac
}

kill_rounds() {
	rounds=$1 db=$2; shift 2
	: >killed
	i=0
	while [ $i -lt "$rounds" ] ||
		{ [ "$(wc -l <killed)" -lt "${KILL_WANT:-0}" ] &&
		  [ $i -lt $((3 * rounds)) ]; }; do
		i=$((i + 1))
		rm -f "$db" "$db-wal" "$db-shm" &&
		kill_one "$db" "$(sed -n "$((2 * i - 1))p" delays)" "$@" &&
		check_store "$db" &&
		cp got before &&
		kill_one "$db" "$(sed -n "$((2 * i))p" delays)" "$@" &&
		check_store "$db" &&
		comm -23 before got >lost &&
		test_cmp /dev/null lost &&
		"$@" >/dev/null 2>&1 &&
		check_store "$db" &&
		test_cmp full got || return 1
	done
}
