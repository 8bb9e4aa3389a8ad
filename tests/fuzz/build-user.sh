#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the libFuzzer targets of the tool's decoders (tests/fuzz/fuzz_*.c but fuzz_engine).
#
# Usage: tests/fuzz/build-user.sh OUTDIR
# The tool's sources and flags come from the Makefile (TOOL_LIB_SRCS, TOOL_CFLAGS, TOOL_LIBS),
# compiled once with ASan, UBSan and libFuzzer's coverage into an archive in OUTDIR/obj, then
# linked into one program per target, which takes from the archive only the files it calls.
set -euo pipefail

fail() {
	echo "build-user.sh: $*" >&2
	exit 1
}
trap 'fail "failed (exit $?): $BASH_COMMAND"' ERR

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: build-user.sh OUTDIR}
cc=${FUZZ_CC:-clang}
objdir=$out/obj
command -v "$cc" > /dev/null || fail "no $cc (FUZZ_CC); tests/deps.sh installs clang"
pkg-config --exists libnl-genl-3.0 ||
	fail "no libnl-genl-3.0 for pkg-config; tests/deps.sh installs it"
mkdir -p "$objdir"

make_var() {
	# shellcheck disable=SC2016 # $($*) is for make, not for the shell
	make -s -C "$top" --no-print-directory --eval 'cgf-print-%: ; @echo $($*)' "cgf-print-$1"
}

read -r -a tool_cflags <<< "$(make_var TOOL_CFLAGS)"
read -r -a tool_libs <<< "$(make_var TOOL_LIBS)"
read -r -a lib_srcs <<< "$(make_var TOOL_LIB_SRCS)"
# The tool's own warnings are gcc's business (make tool); here clang builds for coverage.
flags=()
for f in "${tool_cflags[@]}"; do
	case $f in
	-Werror | -O2) ;;
	*) flags+=("$f") ;;
	esac
done
# shellcheck disable=SC2054 # the commas belong to -fsanitize
flags+=(-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -Wno-unused-parameter
	-Wno-missing-field-initializers)

objs=()
for src in "${lib_srcs[@]}"; do
	obj=$objdir/$(basename "$src" .c).o
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "${BASH_SOURCE[0]}" -nt "$obj" ] ||
		[ -n "$(find "$top/userspace" "$top/module/uapi" -name '*.h' -newer "$obj" \
			-print -quit)" ]; then
		"$cc" "${flags[@]}" -fsanitize=fuzzer-no-link -c -o "$obj" "$src" ||
			fail "cannot compile $src"
	fi
	objs+=("$obj")
done
# Rebuilt each time: an archive keeps members of sources that no longer exist.
rm -f "$objdir/libcgfence-tool.a"
ar rcs "$objdir/libcgfence-tool.a" "${objs[@]}"

for src in "$top"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	[ "$name" = fuzz_engine ] && continue
	"$cc" "${flags[@]}" -fsanitize=fuzzer -o "$out/$name" "$src" "$objdir/libcgfence-tool.a" \
		"${tool_libs[@]}" -lm || fail "cannot build $name"
done
