#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make stress: the e2e suite and tests/stress/t_*.c (fault injection) on the debug kernel; writes build/stress/.
#
# Usage: tests/stress/run.sh
# Environment:
#   STRESS_SLOW=N          each test's time limits in the guest, times N (default 16: KASAN and
#                          lockdep under QEMU's emulation)
#   STRESS_NLFUZZ_SECONDS  how long t_nl_fuzz's root phase runs (default 120; its user phase
#                          runs a third of that)
#   STRESS_SECONDS         how long t_stress loads the module (default 120)
# The debug kernel (tests/stress/debug-kernel.sh) is built on the first run and cached. Any
# report in the guest's kernel log (KASAN, lockdep, RCU, sleeping in atomic context, debug
# objects, UBSAN, a kmemleak leak) fails the run, as every e2e failure does.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$top/build/stress
slow=${STRESS_SLOW:-16}
nlfuzz=${STRESS_NLFUZZ_SECONDS:-120}
load=${STRESS_SECONDS:-120}
mkdir -p "$work"

die() {
	echo "stress: $*" >&2
	exit 1
}

start=$(date +%s)
bash "$top/tests/stress/debug-kernel.sh" || die "cannot build the debug kernel"
# shellcheck disable=SC1091
. "$top/build/debug-kernel/debug.env"
make -s -C "$top" --no-print-directory tool || die "make tool failed"

# The module for the debug kernel, as make test-modules builds it for the stock ones.
out=$top/build/ko/$KVER
mkdir -p "$out/module"
find "$out/module" -maxdepth 1 -type l -delete
ln -s "$top"/module/*.[ch] "$top/module/uapi" "$out/module/"
ln -sfn "$top/Kbuild" "$out/Kbuild"
echo "  MODULE  for debug ($KVER)"
make --no-print-directory -C "$KDIR" M="$out" W=1 modules || die "the module does not build for $KVER"

# KASAN's shadow, kmemleak's pool and runc do not fit the stock kernels' 1 GiB (t_runtimes was
# killed by the OOM killer there).
E2E_KERNEL_ENVS=$top/build/debug-kernel E2E_EXTRA_TESTS=$top/tests/stress E2E_TAP=$work/e2e.tap \
	E2E_BOOT_TIMEOUT=$((1500 * slow)) E2E_MEM=3072 \
	E2E_APPEND="E2E_SLOW=$slow NLFUZZ_SECONDS=$nlfuzz STRESS_SECONDS=$load" \
	bash "$top/tests/e2e/run.sh" > "$work/e2e.out" 2>&1
rc=$?
cat "$work/e2e.out"

# The figures for docs/reliability.md.
log=$top/build/e2e/guest-debug-main.log
if tr -d '\r' < "$log" 2> /dev/null | grep -q '^=== e2e: end of kmemleak ===$'; then
	leaks=$(tr -d '\r' < "$log" | sed -n '/=== e2e: kmemleak ===/,/=== e2e: end of kmemleak ===/p' |
		grep -c '^unreferenced object')
	leak_line="kmemleak: $leaks unreferenced objects after the main boot"
else
	# A boot that died or timed out never dumped: that is not zero leaks.
	leaks=-1
	leak_line="kmemleak: no dump (the main boot did not reach its end)"
fi
{
	echo "stress: $(date -u +%Y-%m-%dT%H:%MZ), kernel $KVER (tests/stress/debug.config)," \
		"$(($(date +%s) - start)) s in all, guest time limits x$slow"
	grep -E '^# (VM run of|as root|as nobody|worker|the fuzzer left|reader|memory)' "$work/e2e.out"
	grep -E '^(not )?ok .*(t_stress: (confined|host)|t_faults: )' "$work/e2e.out"
	echo "$leak_line"
	grep -E '^# e2e: [0-9]+ passed' "$work/e2e.out" || tail -n 1 "$work/e2e.out"
} | tee "$work/report.txt"
[ "$leaks" -eq 0 ] || rc=1
exit "$rc"
