#!/bin/sh
# make install honours PREFIX and DESTDIR and installs the binary and the
# man page made from the same table as --help.
. "$(dirname "$0")/../lib.sh"

# -o all: install what make check built, never rebuild it (sources edited
# since would relink the binary under the tests running beside this one)
test_expect_success 'make install puts the binary and the man page under DESTDIR/PREFIX' '
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" install -o all SAN= BUILD="$BUILD" DESTDIR="$TEST_DIR/root" PREFIX=/opt/gs >install.log 2>&1 &&
	test -x root/opt/gs/bin/greenslot &&
	test -f root/opt/gs/share/man/man1/greenslot.1 &&
	root/opt/gs/bin/greenslot man >man.1 &&
	test_cmp man.1 root/opt/gs/share/man/man1/greenslot.1
'

test_expect_success 'the installed man page renders' '
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man -l root/opt/gs/share/man/man1/greenslot.1 >man.txt 2>man.err &&
		test_grep "greenslot - plan batch computing for less carbon" man.txt &&
		test_grep "EXIT STATUS" man.txt
	else
		echo "man not installed; checked the roff header only" &&
		test_grep "^\.SH EXIT STATUS" man.1
	fi
'

test_expect_success 'make install puts a man page for every command and bash completion' '
	for c in $($GS man --list); do
		test -f root/opt/gs/share/man/man1/greenslot-$c.1 &&
		$GS man $c >page.1 &&
		test_cmp page.1 root/opt/gs/share/man/man1/greenslot-$c.1 || return 1
	done &&
	(cd root/opt/gs/share/man/man1 && ls) >pages &&
	cat >expect <<-\EOF &&
	greenslot-completion.1
	greenslot-export.1
	greenslot-forecast.1
	greenslot-ingest.1
	greenslot-man.1
	greenslot-predict.1
	greenslot-report.1
	greenslot-run.1
	greenslot-series.1
	greenslot-solve.1
	greenslot-train.1
	greenslot.1
	EOF
	test_cmp expect pages &&
	test -f root/opt/gs/share/bash-completion/completions/greenslot
'

test_expect_success 'each command'"'"'s man page has every option of its --help' '
	for c in $($GS man --list); do
		p=root/opt/gs/share/man/man1/greenslot-$c.1 &&
		test_grep "^\.TH GREENSLOT\\\\-" $p &&
		test_grep "^\.SH OPTIONS$" $p &&
		$GS $c --help | sed -n -e "/^  --help /d" -e "s/^  \(--[a-z-]*\).*/\1/p" >opts &&
		while read -r o; do
			roff=$(printf "%s" "$o" | sed "s/-/\\\\\\\\-/g")
			grep -q -e "^\.B $roff" $p || { echo "$p lacks $o"; exit 1; }
		done <opts || return 1
	done
'

test_expect_success 'the per-command man pages render' '
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man -l root/opt/gs/share/man/man1/greenslot-run.1 >run.txt 2>man.err &&
		test_grep "greenslot-run - run a plan" run.txt &&
		test_grep "--now" run.txt && test ! -s man.err
	else
		echo "man not installed; checked the roff header only" &&
		test_grep "^\.SH NAME" root/opt/gs/share/man/man1/greenslot-run.1
	fi
'

test_expect_success 'the bash completion loads and completes commands and options' '
	command -v bash >/dev/null || { echo "no bash; skipped"; exit 0; }
	bash -c ". root/opt/gs/share/bash-completion/completions/greenslot && complete -p greenslot" >complete.out &&
	test_grep "^complete .*-F _greenslot greenslot$" complete.out &&
	bash -c ". root/opt/gs/share/bash-completion/completions/greenslot &&
		COMP_WORDS=(greenslot ex); COMP_CWORD=1; _greenslot; echo \${COMPREPLY[*]};
		COMP_WORDS=(greenslot export --fo); COMP_CWORD=2; _greenslot; echo \${COMPREPLY[*]};
		COMP_WORDS=(greenslot run --n); COMP_CWORD=2; _greenslot; echo \${COMPREPLY[*]};
		COMP_WORDS=(greenslot man ma); COMP_CWORD=2; _greenslot; echo \${COMPREPLY[*]};
		COMP_WORDS=(greenslot man --l); COMP_CWORD=2; _greenslot; echo \${COMPREPLY[*]};
		COMP_WORDS=(greenslot co); COMP_CWORD=1; _greenslot; echo \${COMPREPLY[*]};
		COMP_WORDS=(greenslot completion b); COMP_CWORD=2; _greenslot; echo \${COMPREPLY[*]}" >got &&
	printf "export\n--format\n--now\nman\n--list\ncompletion\nbash\n" >expect &&
	test_cmp expect got
'

test_done
