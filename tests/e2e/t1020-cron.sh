#!/bin/sh
# t1020-cron.sh - examples/cron: the crontab line and the systemd units
# are well-formed and run ingest quietly, and a quiet ingest prints
# nothing on success (no cron mail) and only errors, on stderr, on failure.
. "$(dirname "$0")/../lib.sh"

C=$TOP/examples/cron

test_expect_success 'the crontab line is five time fields and a command that parses' '
	grep -v "^#" $C/crontab | grep -v "^[A-Z_]*=" | grep . >lines &&
	test $(wc -l <lines) -eq 1 &&
	cut -d" " -f6- lines >cmd &&
	sh -n cmd &&
	test_grep "greenslot ingest -q --feeds " cmd &&
	test "$(cut -d" " -f1-5 lines)" = "7 * * * *"
'

# cron runs commands with PATH=/usr/bin:/bin unless the crontab sets it.
test_expect_success 'the crontab finds greenslot where make install puts it; its lock is not in /tmp' '
	prefix=$(sed -n "s/^PREFIX ?= //p" $TOP/Makefile) &&
	test -n "$prefix" &&
	path=$(sed -n "s/^PATH=//p" $C/crontab) &&
	case ":$path:" in *":$prefix/bin:"*) ;; *) echo "PATH=$path lacks $prefix/bin"; exit 1 ;; esac &&
	mkdir -p inst/bin && ln -s $GS inst/bin/greenslot &&
	env -i PATH="$(echo "$path" | sed "s|$prefix/bin|$TEST_DIR/inst/bin|")" \
		sh -c "command -v greenslot" >found &&
	test "$(cat found)" = "$TEST_DIR/inst/bin/greenslot" &&
	test_grep "^7 \* \* \* \* flock -n /var/lib/greenslot/ingest.lock greenslot " $C/crontab &&
	! grep -q "/tmp" lines
'

test_expect_success 'the systemd units verify (where systemd-analyze is)' '
	sed "s|/usr/local/bin/greenslot|$GS|" $C/greenslot-ingest.service >greenslot-ingest.service &&
	cp $C/greenslot-ingest.timer . &&
	test_grep "^ExecStart=$GS ingest -q --feeds " greenslot-ingest.service &&
	test_grep "^OnCalendar=" greenslot-ingest.timer &&
	if command -v systemd-analyze >/dev/null 2>&1; then
		systemd-analyze verify ./greenslot-ingest.service ./greenslot-ingest.timer >verify.out 2>&1 ||
			{ cat verify.out; exit 1; }
		! grep -v "Failed to connect\|System has not been booted" verify.out
	fi
'

test_expect_success 'ingest -q: silent on success, errors alone on stderr' '
	expect_code 0 $GS ingest -q --feeds $FIX/solver/feeds.json &&
	test ! -s out && test ! -s err &&
	echo "{\"feeds\": [{\"name\": \"gone\", \"kind\": \"csv\", \"url\": \"nowhere.csv\", \"zone\": \"X\"}]}" >bad.json &&
	expect_code 1 $GS ingest -q --feeds bad.json &&
	test ! -s out &&
	test $(wc -l <err) -eq 1 && test_grep "^greenslot: .*nowhere.csv" err
'

test_done
