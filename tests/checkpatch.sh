#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make checkpatch: the kernel's checkpatch.pl --strict over the module, its uapi header and the KUnit suites.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.1.tar.xz
script="$top/build/kunit/src/linux-source-6.1/scripts/checkpatch.pl"
if [ ! -x "$script" ]; then
	# make kunit unpacks the tree; without it, take just the script and its data.
	mkdir -p "$top/build/checkpatch"
	tar -xJf "$tarball" -C "$top/build/checkpatch" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch 2>/dev/null ||
		{ echo "checkpatch: cannot unpack it from $tarball (run: make deps)" >&2; exit 1; }
	script="$top/build/checkpatch/scripts/checkpatch.pl"
fi

status=0
"$script" --no-tree --strict --terse -f $(ls "$top"/module/*.[ch] | grep -vx "$top/module/compat.h") \
	"$top"/tests/kunit/*.[ch] || status=1
# The one file that may test the kernel's version (an out-of-tree module has to), and only it.
"$script" --no-tree --strict --terse --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f "$top"/module/compat.h || status=1
# A uapi header cannot use BIT(): it is not exported to user space.
"$script" --no-tree --strict --terse --ignore BIT_MACRO -f "$top"/module/uapi/cgfence.h || status=1
exit "$status"
