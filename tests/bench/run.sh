#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the engine microbenchmark (no VM), then one VM boot of Debian's stock kernel that
# measures cgfence's overhead on real system calls; prints the tables, writes build/bench/.
#
# Usage: tests/bench/run.sh   (make bench builds the module and the tool first)
# Environment:
#   BENCH_ROUNDS=N      interleaved rounds per phase (default 6; keep it even: the serpentine
#                       order then visits every state equally often early and late)
#   BENCH_SAMPLE_MS=MS  target length of one timed sample (default 40)
#   BENCH_PHASES=LIST   comma-separated subset of main,rules,containers,depth,reload,contention
#   BENCH_NO_VM=1       only the engine microbenchmark
#   KERNEL=NAME         the kernel to boot, a name of tests/deps.sh's (6.1, 6.12); default: the
#                       default kernel (build/kernel.env) with its test-modules build
#   BENCH_TIMEOUT=S     host timeout for each VM (default 1800)
#   BENCH_UPDATE_DOC=1  after a clean run, put the report into docs/benchmarks.md
#   BENCH_REPORT_ONLY=1 no run: print the tables again from what build/bench/ holds
#   BENCH_CLOCK=MODE    both (default): one boot under -icount (guest time = instructions,
#                       immune to host load) for main/rules/containers/depth, then one boot
#                       on wall time (2 vCPUs) for main again, reload and contention; icount
#                       or wall: that boot alone (wall runs every phase; icount cannot run
#                       reload or contention)
# Nothing here asserts a timing: the exit status says only whether the runs completed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
# e2e_load_env, e2e_bad_log_re and the kernel env come from the e2e harness (not modified here).
# shellcheck disable=SC2154
# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$top/tests/e2e/lib.sh"

here="$top/tests/bench"
work="$top/build/bench"
root="$work/root"
rounds=${BENCH_ROUNDS:-6}
sample_ms=${BENCH_SAMPLE_MS:-40}
phases=${BENCH_PHASES:-main,rules,containers,depth,reload,contention}
vm_timeout=${BENCH_TIMEOUT:-1800}
clock=${BENCH_CLOCK:-both}
guest_script=${BENCH_GUEST_SCRIPT:-$here/guest/bench.sh}

die() {
	echo "bench: $*" >&2
	exit 1
}

mkdir -p "$work" || die "cannot create $work"
start_all=$(date +%s)

# report: the tables from whatever build/bench/ holds (engine.raw, <boot>/bench.raw).
report() {
	local name raws=()

	# The machine as it was at the end of the run (kept for BENCH_REPORT_ONLY).
	if [ -z "${BENCH_REPORT_ONLY:-}" ]; then
		{
			echo "host: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' \
				/proc/cpuinfo | head -n 1), Debian $(cat /etc/debian_version)," \
				"load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
			echo "guest: Debian kernel ${KVER:-?}, qemu-system-x86_64" \
				"$(qemu-system-x86_64 --version | head -n 1 | sed 's/.*version //')" \
				"TCG (no KVM), 2 GiB"
		} > "$work/host.txt"
	fi
	{
		cat "$work/host.txt" 2> /dev/null
		for name in icount wall; do
			[ -z "${BENCH_NO_VM:-}" ] && [ -s "$work/$name/bench.raw" ] &&
				cat "$work/$name/boot.txt" 2> /dev/null
		done
		[ -z "${BENCH_REPORT_ONLY:-}" ] &&
			echo "whole run: $(($(date +%s) - start_all))s" > "$work/run-time.txt"
		cat "$work/run-time.txt" 2> /dev/null
	} > "$work/machine.txt"
	for name in icount wall; do
		[ -z "${BENCH_NO_VM:-}" ] && [ -s "$work/$name/bench.raw" ] &&
			raws+=("$name=$work/$name/bench.raw")
	done
	python3 "$here/report.py" "$work/engine.raw" "$work/machine.txt" "${raws[@]}" |
		tee "$work/report.md"
	echo "bench: report in $work/report.md (raw output in $work/*/bench.raw)"
}

# update_doc: the report replaces the results section of docs/benchmarks.md (between markers).
update_doc() {
	python3 - "$top/docs/benchmarks.md" "$work/report.md" <<-'EOF'
	import re
	import sys
	doc, rep = sys.argv[1], open(sys.argv[2]).read()
	text = open(doc).read()
	begin, end = "<!-- bench:begin -->\n", "<!-- bench:end -->"
	head, rest = text.split(begin, 1)
	tail = rest.split(end, 1)[1]
	# Drop the report's title; its sections go one level down under the doc's heading.
	body = re.sub(r"(?m)^(#+) ", r"#\1 ", rep.split("\n", 1)[1])
	open(doc, "w").write(head + begin + body.strip("\n") + "\n" + end + tail)
	print("bench: updated " + doc)
	EOF
}

if [ -n "${BENCH_REPORT_ONLY:-}" ]; then
	e2e_load_env "${KERNEL:-}" > /dev/null 2>&1
	report
	[ -n "${BENCH_UPDATE_DOC:-}" ] && update_doc
	exit 0
fi

# --- 1. Profiles (the VM and the engine benchmark read the same files). ---
rm -rf "$work/profiles"
python3 "$here/gen_profiles.py" "$work/profiles" || die "cannot generate the profiles"

# --- 2. Engine microbenchmark: module/engine_*.c built as-is against tests/bench/shim. ---
engine_cflags=(-std=gnu11 -O2 -fno-strict-aliasing -Wall -Wextra -Werror -Wno-unused-parameter
	-Wno-sign-compare -I "$here/shim" -I "$top/module")
if ! gcc "${engine_cflags[@]}" -o "$work/engine_bench" "$here/engine_bench.c" \
	"$top"/module/engine_profile.c "$top"/module/engine_file.c "$top"/module/engine_file_build.c "$top"/module/engine_device.c \
	"$top"/module/engine_mount.c "$top"/module/engine_kernel.c "$top"/module/path_glob.c "$here/shim/shim.c"; then
	die "cannot build the engine benchmark (tests/bench/shim may lack an API the engine now uses)"
fi
echo "bench: engine microbenchmark (userspace build of module/engine_*.c, no VM)"
"$work/engine_bench" "$work/profiles" > "$work/engine.raw" || die "engine benchmark failed"
# Instructions per verdict, which the VM's icount boot can be compared with (valgrind is
# optional: without it the engine table has no instruction column).
if command -v valgrind > /dev/null; then
	cases=$(sed -n 's/^engine verdict .*profile=\([^ ]*\) .*path=\([^ ]*\)$/\1 \2/p' \
		"$work/engine.raw" | sort -u)
	while read -r prof path; do
		case $prof in
		typical) file=typical.cgf ;;
		r*) file=rules-${prof#r}.cgf ;;
		esac
		if valgrind --tool=callgrind --toggle-collect=cgf_file_check \
			--callgrind-out-file="$work/callgrind.out" \
			"$work/engine_bench" --count "$work/profiles" "$file" "$path" > /dev/null 2>&1; then
			ir=$(sed -n 's/^summary: //p' "$work/callgrind.out")
			echo "engine instructions profile=$prof per_verdict=$((ir / 1000)) path=$path"
		fi
	done <<< "$cases" >> "$work/engine.raw"
	rm -f "$work/callgrind.out"
fi

if [ -n "${BENCH_NO_VM:-}" ]; then
	report
	exit 0
fi

# --- 3. The VM image: busybox, the module, the static tool, opbench, the file tree. ---
e2e_load_env "${KERNEL:-}" || die "$e2e_error"
[ -f "$e2e_ko" ] || die "$e2e_ko is missing (run: make; with KERNEL=, make test-modules)"
[ -x "$top/build/cgfence-static" ] || die "build/cgfence-static is missing (run: make)"
if [ ! -x /bin/busybox ] || readelf -l /bin/busybox 2>/dev/null | grep -q INTERP; then
	die "/bin/busybox is not the static build (run: make deps)"
fi

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,bench/bin} || die "mkdir"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$here/guest/init" "$root/init"
install -m 0755 "$guest_script" "$root/bench/bench.sh"
install -m 0644 "$e2e_ko" "$root/bench/cgfence.ko"
install -m 0755 "$top/build/cgfence-static" "$root/bin/cgfence"
cp -r "$work/profiles" "$root/bench/profiles"
gcc -static -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -I "$top/module" \
	-o "$root/bench/bin/opbench" "$here/opbench.c" || die "cannot build opbench"
gcc -static -nostdlib -O2 -Wall -Wextra -Werror -o "$root/bench/bin/true" "$here/true.c" ||
	die "cannot build true"

# The objects the operations touch; paths.txt names them.
# shellcheck disable=SC2046
mkdir -p "$root"/bench/{data,secret,lib,noexec,work,ro,mnt,mnt-denied} "$root/srv/app0/data"
echo data > "$root/bench/data/file"
# The contention phase's files, one per task (opbench par opens PREFIX<i>).
echo par > "$root/bench/ro/par0"
echo par > "$root/bench/ro/par1"
echo secret > "$root/bench/secret/file"
# openmany's files: more names than the verdict cache keeps (opbench.c OPEN_MANY_FILES).
mkdir -p "$root/bench/ro/many" "$root/bench/secret/many"
for i in $(seq 0 255); do
	echo many > "$root/bench/ro/many/f$i"
	echo many > "$root/bench/secret/many/f$i"
	echo many > "$root/srv/app0/data/f$i.part"
done
cp "$root/bench/bin/true" "$root/bench/secret/true"
head -c 65536 /dev/zero > "$root/bench/lib/code.so"
cp "$root/bench/lib/code.so" "$root/bench/noexec/code.so"
echo conf > "$root/srv/app0/data/file0.conf"
echo conf > "$root/srv/app0/data/other.conf"
while IFS='=' read -r name path; do
	case $name in
	depth*)
		mkdir -p "$root$(dirname "$path")"
		echo depth > "$root$path"
		;;
	esac
done < "$work/profiles/paths.txt"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --quiet -o -0 -H newc -R 0:0 | gzip -1 > "$work/initramfs.cpio.gz") ||
	die "cannot pack the initramfs"

# --- 4. The boots. Results arrive on the second serial port of each. ---
status=0

# boot NAME PHASES QEMU_ARGS...: one VM run into $work/NAME/.
boot() {
	local name=$1 phases_here=$2 dir="$work/$1" start qemu_rc vm_s bad
	shift 2

	mkdir -p "$dir"
	rm -f "$dir"/{guest.log,bench.out,bench.raw,qemu.out}
	echo "bench: boot '$name' ($*): phases $phases_here, $rounds rounds"
	start=$(date +%s)
	timeout -k 5 "$vm_timeout" qemu-system-x86_64 \
		-nodefaults -no-user-config -display none -no-reboot -m 2048 "$@" \
		-kernel "$VMLINUZ" -initrd "$work/initramfs.cpio.gz" \
		-append "console=ttyS0,115200 quiet panic=-1 oops=panic BENCH_ROUNDS=$rounds BENCH_SAMPLE_MS=$sample_ms BENCH_PHASES=$phases_here BENCH_CLOCK=$name" \
		-serial "file:$dir/guest.log" -serial "file:$dir/bench.out" \
		> "$dir/qemu.out" 2>&1
	qemu_rc=$?
	vm_s=$(($(date +%s) - start))
	tr -d '\r' < "$dir/bench.out" > "$dir/bench.raw" 2> /dev/null
	echo "bench: boot '$name' finished in ${vm_s}s (QEMU status $qemu_rc)"
	echo "boot '$name': qemu-system-x86_64 $*, ${vm_s}s" > "$dir/boot.txt"

	if ! grep -q '^# bench-exit 0' "$dir/bench.raw"; then
		echo "bench: the guest did not finish cleanly; last lines of its output:" >&2
		tail -n 20 "$dir/bench.raw" | sed 's/^/  /' >&2
		[ "$qemu_rc" -eq 124 ] && echo "bench: the VM hit the ${vm_timeout}s timeout" >&2
		status=1
	fi
	bad=$(tr -d '\r' < "$dir/guest.log" | grep -aE "$e2e_bad_log_re" | sort -u)
	if [ -n "$bad" ]; then
		echo "bench: kernel log lines that mean trouble ($dir/guest.log):" >&2
		printf '%s\n' "$bad" | sed 's/^/  /' >&2
		status=1
	fi
}

# icount: QEMU counts guest instructions and derives the guest's clock from them (1 ns per
# instruction with shift=0), so host load cannot disturb a sample. It needs one vCPU here
# (QEMU 7.2 does not bring a second CPU up under -icount), which rules out the reload and
# contention phases: they want two CPUs, so they run on wall time, one host thread per vCPU.
icount_args=(-smp 1 -icount 'shift=0,sleep=off')
wall_args=(-smp 2 -accel 'tcg,thread=multi')
strip_reload() {
	echo "$1" | tr ',' '\n' | grep -vE '^(reload|contention)$' | paste -sd, -
}
case $clock in
icount)
	boot icount "$(strip_reload "$phases")" "${icount_args[@]}"
	;;
wall)
	boot wall "$phases" "${wall_args[@]}"
	;;
both)
	p=$(strip_reload "$phases")
	[ -n "$p" ] && boot icount "$p" "${icount_args[@]}"
	# Wall time: the system-call table again (real TCG time, with its noise), reload, contention.
	p=$(echo "$phases" | tr ',' '\n' | grep -E '^(main|reload|contention)$' | paste -sd, -)
	[ -n "$p" ] && boot wall "$p" "${wall_args[@]}"
	;;
*)
	die "BENCH_CLOCK must be icount, wall or both"
	;;
esac

report
[ -n "${BENCH_UPDATE_DOC:-}" ] && [ "$status" -eq 0 ] && { update_doc || status=1; }
exit "$status"
