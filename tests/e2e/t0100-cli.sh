#!/bin/sh
# The command table: --help on every command, the man page from the same
# source, exit codes for misuse.
. "$(dirname "$0")/../lib.sh"

commands="ingest series forecast train predict solve report export run man completion"

test_expect_success 'greenslot --help lists every command and exits 0' '
	expect_code 0 $GS --help &&
	for c in $commands; do test_grep "^  $c " out; done
'

test_expect_success 'no command is a usage error (exit 2)' '
	expect_code 2 $GS &&
	test_grep "^usage: greenslot" err
'

test_expect_success 'an unknown command says so and exits 2' '
	expect_code 2 $GS frobnicate &&
	echo "greenslot: unknown command '\''frobnicate'\''; see '\''greenslot --help'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'every command has --help on stdout with exit 0' '
	for c in $commands; do
		expect_code 0 $GS $c --help &&
		test_grep "^usage: greenslot $c" out &&
		test_grep "^  --help" out || return 1
	done
'

test_expect_success 'the man page documents every option that --help shows' '
	expect_code 0 $GS man && mv out man.1 &&
	test_grep "^\.TH GREENSLOT 1 \"\" \"greenslot $($GS --version | cut -d" " -f2)\" " man.1 &&
	for c in $commands; do
		test_grep "^\.SS $c\$" man.1 &&
		$GS $c --help | sed -n -e "/^  --help /d" -e "s/^  \(--[a-z-]*\).*/\1/p" >opts &&
		while read -r o; do
			roff=$(printf "%s" "$o" | sed "s/-/\\\\\\\\-/g")
			grep -q -e "^\.B $roff" man.1 || { echo "man page lacks $o of $c"; exit 1; }
		done <opts || return 1
	done
'

test_expect_success 'man and completion are commands of the table' '
	expect_code 0 $GS man man &&
	test_grep "^\.TH GREENSLOT\\\\-MAN 1 " out &&
	test_grep "^\.B \\\\-\\\\-list$" out &&
	expect_code 0 $GS completion --help &&
	test_grep "^usage: greenslot completion bash$" out &&
	expect_code 2 $GS completion zsh &&
	test_grep "usage: greenslot completion bash" err &&
	expect_code 2 $GS man nope &&
	test_grep "unknown command .nope." err
'

test_expect_success 'train on a missing history is a usage error (exit 2)' '
	expect_code 2 $GS train history.csv &&
	test_grep "^greenslot: cannot open '\''history.csv'\''" err &&
	test ! -e greenslot.db
'

test_expect_success 'an unknown option is a usage error in greenslot'"'"'s name' '
	expect_code 2 $GS ingest --bogus &&
	test ! -e greenslot.db &&
	test_grep "^greenslot: unrecognized option '"'"'--bogus'"'"'" err &&
	expect_code 2 $GS ingest --sites sites.json --feeds feeds.json &&
	test_grep "^greenslot: unrecognized option '"'"'--sites'"'"'" err
'

test_expect_success 'an option without its value is a usage error' '
	expect_code 2 $GS series --db &&
	test_grep "option '\''--db'\'' needs a value" err
'

test_expect_success 'a read-only command on a missing store says what to do (exit 1)' '
	expect_code 1 $GS series --db missing.db &&
	test_grep "no store at '\''missing.db'\''; run '\''greenslot ingest'\'' first" err &&
	test ! -e missing.db
'

test_expect_success 'a store from a newer greenslot is refused' '
	python3 -c "import sqlite3; c=sqlite3.connect(\"new.db\"); c.execute(\"PRAGMA application_id=1196641364\"); c.execute(\"PRAGMA user_version=99\"); c.commit()" &&
	expect_code 1 $GS series --db new.db &&
	test_grep "schema version 99, newer than this greenslot knows" err
'

test_expect_success 'a file that is not a greenslot store is refused, untouched' '
	python3 -c "import sqlite3; c=sqlite3.connect(\"other.db\"); c.execute(\"CREATE TABLE t(x)\"); c.commit()" &&
	cp other.db other.orig &&
	echo "{\"feeds\": []}" >feeds.json &&
	expect_code 1 $GS ingest --db other.db --feeds feeds.json &&
	test_grep "'\''other.db'\'' is not a greenslot store" err &&
	cmp other.db other.orig
'

# complete WORD...: what the completion script offers for the last word
# of "greenslot WORD...", on one line (file names sorted)
complete() {
	bash -c '. ./gs.bash && COMP_WORDS=(greenslot "$@") &&
		COMP_CWORD=$# && _greenslot && for w in "${COMPREPLY[@]}"; do
			echo "$w"; done' complete "$@" | sort | tr "\n" " "
}

# the values an error message says an option wants, one line
wanted() {
	sed -e "s/.*(\(want \)\{0,1\}//" -e "s/)\$//" -e "s/,/ /g" \
		-e "s/ or / /g" -e "s/  */ /g" err | tr " " "\n" | sort | tr "\n" " "
}

test_expect_success 'bash completion offers the values of an option' '
	command -v bash >/dev/null || { echo "no bash; skipped"; exit 0; }
	expect_code 0 $GS completion bash && mv out gs.bash &&
	test "$(complete export --format "")" = "at csv json kubernetes slurm systemd " &&
	test "$(complete export --format j)" = "json " &&
	test "$(complete report --format p)" = "pdf png " &&
	test "$(complete solve --policy r)" = "random round-robin " &&
	test "$(complete solve --objective "")" = "carbon cost makespan " &&
	test "$(complete forecast --model s)" = "seasonal_naive smoothing " &&
	test "$(complete series --signal p)" = "precipitation price " &&
	test "$(complete forecast --signal carbon)" = "carbon_intensity " &&
	test "$(complete solve --seed "")" = "" &&
	test "$(complete ingest --from 2)" = ""
'

test_expect_success 'bash completion offers files after options that take files' '
	command -v bash >/dev/null || { echo "no bash; skipped"; exit 0; }
	mkdir pdir && : >pfile.json && : >plan.json &&
	test "$(complete solve --sites p)" = "pdir pfile.json plan.json " &&
	test "$(complete solve -o pl)" = "plan.json " &&
	test "$(complete report --output pf)" = "pfile.json " &&
	test "$(complete ingest --db pf)" = "pfile.json " &&
	test "$(complete run --powercap p)" = "pdir " &&
	test "$(complete export --fo)" = "--format " &&
	test "$(complete export --format json pl)" = "plan.json "
'

test_expect_success 'the values completed are those the commands accept' '
	command -v bash >/dev/null || { echo "no bash; skipped"; exit 0; }
	S=$TOP/examples/quickstart/SITES.json &&
	expect_code 2 $GS export --format nope plan.json &&
	test "$(wanted)" = "$(complete export --format "")" &&
	expect_code 2 $GS solve --sites $S --policy nope jobs.json &&
	test "$(wanted)" = "$(complete solve --policy "")" &&
	expect_code 2 $GS solve --sites $S --objective nope jobs.json &&
	test "$(wanted)" = "$(complete solve --objective "")" &&
	expect_code 2 $GS forecast --model nope &&
	test "$(wanted)" = "$(complete forecast --model "")"
'

test_done
