#!/bin/sh
# tests/deps.sh, behind `make deps`: installs what is missing as root,
# otherwise stops with the one command to run.  dpkg-query, id and apt-get
# are replaced by stand-ins on PATH so nothing is really installed.
. "$(dirname "$0")/../lib.sh"

mkdir bin
cat >bin/dpkg-query <<\EOS
#!/bin/sh
# "installed" are the packages named in ./installed
for last; do :; done
grep -qx "$last" "$STUB_DIR/installed" 2>/dev/null && echo "install ok installed"
exit 0
EOS
cat >bin/apt-get <<\EOS
#!/bin/sh
echo "apt-get $*" >>"$STUB_DIR/apt.log"
EOS
chmod +x bin/*
printf 'gcc\nmake\n' >installed

run_deps() { # uid, packages...
	uid=$1; shift
	printf '#!/bin/sh\necho %s\n' "$uid" >bin/id && chmod +x bin/id &&
	(STUB_DIR=$TEST_DIR PATH="$TEST_DIR/bin:$PATH" sh "$TOP/tests/deps.sh" "$@")
}

test_expect_success 'nothing missing: silent success, nothing installed' '
	run_deps 1000 gcc make >out 2>err &&
	test_cmp /dev/null out && test_cmp /dev/null err && test ! -e apt.log
'

test_expect_success 'not root: names the one command to run and fails' '
	! run_deps 1000 gcc libfoo-dev libbar-dev >out 2>err &&
	echo "greenslot: missing packages; run: sudo apt-get install -y libfoo-dev libbar-dev" >expect &&
	test_cmp expect err && test ! -e apt.log
'

test_expect_success 'root: installs exactly what is missing' '
	run_deps 0 gcc libfoo-dev >out 2>err &&
	test_grep "install -y -qq --no-install-recommends libfoo-dev$" apt.log &&
	! grep -q " gcc" apt.log
'

test_done
