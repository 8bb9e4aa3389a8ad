#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boots the stock kernel in QEMU, loads cgfence and prints what a user would see.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$top/tests/e2e/lib.sh"

mkdir -p "$e2e_work"
e2e_load_env || { echo "demo: $e2e_error" >&2; exit 1; }
e2e_build || { echo "demo: $e2e_error" >&2; exit 1; }

echo "Booting Debian's kernel $KVER in QEMU (software emulation, about 10 seconds)..."
e2e_boot demo 120
qemu_rc=$?

log="$e2e_work/guest.log"
# Boot chatter comes before the marker; the dmesg dump for the log scan comes after the end.
tr -d '\r' < "$log" | sed -n '/^=== cgfence demo ===$/,/^=== end of demo ===$/p'

status=0
if ! tr -d '\r' < "$log" | grep -q '^=== end of demo ===$'; then
	echo "demo: the demo did not finish (QEMU exit status $qemu_rc); last console lines ($log):" >&2
	tr -d '\r' < "$log" | tail -n 40 >&2
	status=1
fi
bad=$(e2e_bad_log_lines | sort -u)
if [ -n "$bad" ]; then
	echo "demo: the kernel log shows trouble ($log):" >&2
	printf '%s\n' "$bad" >&2
	status=1
fi
exit "$status"
