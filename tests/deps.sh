#!/bin/sh
# Installs the Debian packages named on the command line that are missing:
# with apt-get when run as root, else prints the one command to run.
# On a system without dpkg it says so and trusts the build to tell.
command -v dpkg-query >/dev/null 2>&1 || {
	echo "greenslot: not a Debian system; make sure these are installed: $*" >&2
	exit 0
}
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
	echo "greenslot: installing missing packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	log=$(mktemp)
	if ! { apt-get update -qq && apt-get install -y -qq \
		--no-install-recommends $missing; } >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		rm -f "$log"
		echo "greenslot: apt-get failed; run: apt-get install -y$missing" >&2
		exit 1
	fi
	rm -f "$log"
else
	echo "greenslot: missing packages; run: sudo apt-get install -y$missing" >&2
	exit 1
fi
