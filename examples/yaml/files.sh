#!/bin/sh
# The action program of files.yaml: it carries out one decided action on the
# files of a scratch directory and prints the directory's new state.
#
# maker runs it once per step, without a shell, with one JSON object on
# stdin: {"step": n, "state": "...", "action": "...", "input": ...}. The
# actions are
#   mv OLD NEW          rename a file (NEW must not exist)
#   append FILE WORD    add the line WORD to the end of FILE
# and the state is every file with its number of lines, in name order:
# "draft.txt:2 notes.txt:1". The files are in ./scratch, under the
# directory maker runs the action in: a directory of the run's own, so two
# runs never share their files and a resumed run finds its own again. When
# ./scratch does not exist it is made from the step's state, so the first
# step starts from the task's initial state.
set -eu
export LC_ALL=C

json=$(cat)
field() {
	# The fields maker writes here hold only names, digits, spaces, dots,
	# colons and dashes, so no escapes need undoing.
	printf '%s\n' "$json" | sed -n "s/.*\"$1\":\"\([^\"\\\\]*\)\".*/\1/p"
}
state=$(field state)
action=$(field action)
dir=./scratch

name_ok() {
	case $1 in
	'' | *[!A-Za-z0-9._-]* | .*) echo "bad file name: $1" >&2; exit 2 ;;
	esac
}

if [ ! -d "$dir" ]; then
	mkdir -p "$dir"
	for entry in $state; do
		name=${entry%:*}
		lines=${entry##*:}
		name_ok "$name"
		: >"$dir/$name"
		i=0
		while [ "$i" -lt "$lines" ]; do
			i=$((i + 1))
			echo "line $i" >>"$dir/$name"
		done
	done
fi

set -- $action
case ${1:-} in
mv)
	[ $# -eq 3 ] || { echo "usage: mv OLD NEW" >&2; exit 2; }
	name_ok "$2"; name_ok "$3"
	[ -f "$dir/$2" ] || { echo "mv: $2: no such file" >&2; exit 1; }
	[ ! -e "$dir/$3" ] || { echo "mv: $3 exists" >&2; exit 1; }
	mv "$dir/$2" "$dir/$3"
	;;
append)
	[ $# -eq 3 ] || { echo "usage: append FILE WORD" >&2; exit 2; }
	name_ok "$2"
	[ -f "$dir/$2" ] || { echo "append: $2: no such file" >&2; exit 1; }
	echo "$3" >>"$dir/$2"
	;;
*)
	echo "unknown action: $action" >&2
	exit 2
	;;
esac

out=""
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	n=$(wc -l <"$f" | tr -d ' ')
	out="$out ${f##*/}:$n"
done
printf '%s\n' "${out# }"
