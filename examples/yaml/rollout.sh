#!/bin/sh
# The action program of approve.yaml: it carries out one approved upgrade
# and prints the fleet's new state.
#
# maker runs it once per step, without a shell, with one JSON object on
# stdin: {"step": n, "state": "...", "action": "...", "input": ...}. The
# action is "upgrade SERVICE VERSION"; the state lists every service with
# its version, in name order: "api=1.4 db=2.0 web=3.1". Each upgrade is
# appended to ./rollout.log, in the run's own directory, the record of
# what was carried out.
set -eu
export LC_ALL=C

json=$(cat)
field() {
	# The fields maker writes here hold only names, digits, spaces, dots
	# and equals signs, so no escapes need undoing.
	printf '%s\n' "$json" | sed -n "s/.*\"$1\":\"\([^\"\\\\]*\)\".*/\1/p"
}
state=$(field state)
action=$(field action)

set -- $action
[ $# -eq 3 ] && [ "$1" = upgrade ] || { echo "want: upgrade SERVICE VERSION, got: $action" >&2; exit 2; }
service=$2
version=$3
case $service$version in
*[!A-Za-z0-9.]*) echo "bad service or version: $service $version" >&2; exit 2 ;;
esac

out=""
found=no
for entry in $state; do
	name=${entry%%=*}
	if [ "$name" = "$service" ]; then
		entry="$service=$version"
		found=yes
	fi
	out="$out $entry"
done
[ $found = yes ] || { echo "no service $service" >&2; exit 1; }
echo "upgrade $service $version" >>./rollout.log
printf '%s\n' "${out# }"
