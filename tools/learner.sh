# tools/learner.sh - the learner's state, for the tools that read or keep it.
#
# Sourced (never run) by tools/check-exercise, hint, progress, watch and
# reset. The state lives in one folder git ignores, .workbench/ at the top
# of the tree ($WORKBENCH_STATE instead when set, as the tests do):
#
#   predictions.csv  the guesses typed at the demos (src/predictions.h)
#   hints.csv        when,lesson,test,level: one row per hint level shown
#
# Both are input like any other file: a file that does not parse is set
# aside under a new name (never over an earlier one) and a new one begun.
# Every write goes to a temporary file beside the old one, renamed into
# place, so no reader ever sees half a row.
#
# The sourcing script sets root (the top of the tree) and prog (its name).

state_dir=${WORKBENCH_STATE:-$root/.workbench}
hints_csv=$state_dir/hints.csv
hints_header='when,lesson,test,level'
hints_row='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z,[0-9]{2},[a-z0-9_]+,[1-9][0-9]{0,2}$'
predictions_csv=$state_dir/predictions.csv
predictions_header='when,lesson,question,attempt,guess,unit,measured,factor'
num='[0-9.eE+-]+'
predictions_row="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z,[0-9]{2},[a-z0-9-]+,[1-9][0-9]*,$num,(ratio|bytes|ns|count),($num)?,($num)?\$"

# learner_valid FILE HEADER ROW_REGEX: does FILE hold HEADER and such rows?
learner_valid() {
	[ -f "$1" ] && [ -s "$1" ] && [ -z "$(tail -c 1 "$1")" ] &&
		[ "$(head -n 1 "$1")" = "$2" ] &&
		! tail -n +2 "$1" | LC_ALL=C grep -Evq "$3"
}

# learner_set_aside FILE: move a damaged FILE to FILE.damaged-N and say so.
learner_set_aside() {
	local n=1
	while ! ln "$1" "$1.damaged-$n" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 1000 ] || { echo "$prog: cannot set aside $1" >&2; return 1; }
	done
	rm -f "$1"
	echo "$prog: $1 was damaged: it is now $1.damaged-$n, and a new one was started" >&2
}

# learner_append FILE HEADER ROW_REGEX ROW: add ROW, whole file renamed into place.
learner_append() {
	local file=$1 header=$2 regex=$3 row=$4 tmp
	mkdir -p "$(dirname "$file")" || return 1
	if [ -e "$file" ] && ! learner_valid "$file" "$header" "$regex"; then
		learner_set_aside "$file" || return 1
	fi
	tmp=$file.tmp.$$
	if { if [ -e "$file" ]; then cat "$file"; else printf '%s\n' "$header"; fi
	     printf '%s\n' "$row"; } >"$tmp" 2>/dev/null && mv "$tmp" "$file"; then
		return 0
	fi
	rm -f "$tmp"
	echo "$prog: cannot write $file" >&2
	return 1
}

# learner_now: the time as the state files write it, UTC.
learner_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# hint_level NN TEST: the highest level of TEST's hint shown so far (0: none).
hint_level() {
	[ -f "$hints_csv" ] || { echo 0; return; }
	learner_valid "$hints_csv" "$hints_header" "$hints_row" || { echo 0; return; }
	awk -F, -v l="$1" -v t="$2" 'NR > 1 && $2 == l && $3 == t && $4 > max { max = $4 }
		END { print max + 0 }' "$hints_csv"
}

# hint_count HINTS_MD TEST: how many levels TEST's hint has (0: no hint).
hint_count() {
	awk -v t="## $2" '$0 == t { on = 1; n = 0; next } on && /^## / { exit }
		on && /^(Nudge|Idea|Code):/ { n++ } on && NF { any = 1 }
		END { print n ? n : (any ? 1 : 0) }' "$1"
}

# hint_text HINTS_MD TEST LEVEL: the text of one level, without blank lines.
hint_text() {
	awk -v t="## $2" -v want="$3" '$0 == t { on = 1; next } on && /^## / { exit }
		on && /^(Nudge|Idea|Code):/ { n++ } on && (n == want || (n == 0 && want == 1))' "$1" |
		sed '/^$/d'
}
