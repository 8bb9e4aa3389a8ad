#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: the cgfence tool's status command against the real module, as root and as nobody.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 10

if [ ! -x /bin/cgfence ]; then
	tap_not_ok "cgfence tool is in the image (build/cgfence-static)"
	tap_done
	exit 1
fi

# json_field NAME: the value of "NAME": in the JSON on stdin (numbers, booleans, strings unquoted).
json_field() {
	sed -n 's/.*"'"$1"'":[[:space:]]*"\{0,1\}\([^",}]*\)"\{0,1\}[[:space:]]*[,}].*/\1/p'
}

run_cmd cgfence status
[ "$run_rc" -eq 3 ] || show_run
tap_result "module not loaded: cgfence status exits 3" "$((run_rc != 3))"

run_cmd insmod "$CGFENCE_KO"
[ "$run_rc" -eq 0 ] || show_run
tap_result "insmod cgfence.ko" "$run_rc"

run_cmd cgfence status
tap_diag "$(cat "$run_out")"
[ "$run_rc" -eq 0 ] && grep -q 'hooks attached' "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "cgfence status exits 0 and prints \"hooks attached\"" "$rc"

run_cmd cgfence status --json
json=$(cat "$run_out")
tap_diag "$json"
[ "$run_rc" -eq 0 ] && [ "$(wc -l < "$run_out")" -eq 1 ] &&
	echo "$json" | grep -qE '^\{.*\}$'
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "cgfence status --json exits 0 with one JSON object" "$rc"

problems=""
for f in module_version tool_version; do
	v=$(echo "$json" | json_field "$f")
	[ "$v" = "$CGFENCE_VERSION" ] || problems="$problems $f=$v(want $CGFENCE_VERSION)"
done
v=$(echo "$json" | json_field backend)
[ "$v" = ftrace ] || problems="$problems backend=$v"
attached=$(echo "$json" | json_field hooks_attached)
total=$(echo "$json" | json_field hooks_total)
if [ -z "$total" ] || [ "$total" -lt 1 ] || [ "$attached" != "$total" ]; then
	problems="$problems hooks=$attached/$total"
fi
for f in profiles attachments; do
	v=$(echo "$json" | json_field "$f")
	[ "$v" = 0 ] || problems="$problems $f=$v"
done
v=$(echo "$json" | json_field locked)
[ "$v" = false ] || problems="$problems locked=$v"
[ -z "$problems" ] || tap_diag "unexpected:$problems"
tap_result "--json: versions $CGFENCE_VERSION, backend ftrace, all hooks attached, empty, unlocked" \
	"$([ -z "$problems" ]; echo $?)"

run_cmd runas 0 0 -- cgfence status
[ "$run_rc" -eq 0 ] || show_run
tap_result "runas 0 0 -- cgfence status exits 0 (control for the next case)" "$run_rc"

run_cmd runas "$NOBODY" "$NOBODY" -- cgfence status
tap_diag "stderr: $(cat "$run_err")"
[ "$run_rc" -eq 4 ] && grep -q CAP_MAC_ADMIN "$run_err" && [ ! -s "$run_out" ]
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "as nobody: cgfence status exits 4, names CAP_MAC_ADMIN on stderr, prints nothing" "$rc"

run_cmd cgfence no-such-command
[ "$run_rc" -eq 2 ] || show_run
tap_result "unknown command: exit 2" "$((run_rc != 2))"

run_cmd rmmod cgfence
[ "$run_rc" -eq 0 ] || show_run
tap_result "rmmod cgfence" "$run_rc"

run_cmd cgfence status --json
[ "$run_rc" -eq 3 ] || show_run
tap_result "after rmmod: cgfence status --json exits 3" "$((run_rc != 3))"

tap_done
