#!/bin/sh
# make install honours PREFIX and DESTDIR and installs the binary and the
# man page made from the same table as --help.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'make install puts the binary and the man page under DESTDIR/PREFIX' '
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" install SAN= BUILD="$BUILD" DESTDIR="$TEST_DIR/root" PREFIX=/opt/gs >install.log 2>&1 &&
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

test_done
