#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# The benchmark inside the VM (busybox sh). Output lines, read by tests/bench/report.py:
#   R PHASE:CONFIG:ROUND OP ns/op...   samples of one opbench run
#   L reload:KIND:ROUND count p50 p90 p99 p999 max   open+close latencies (ns) of one window
#   C reload:KIND:ROUND N              tool runs completed in that window
#   P contention:CONFIG:ROUND JOBS OPS MS  opens of JOBS tasks side by side in MS ms
#   T WHAT ms                          how long a step took (insmod, load of a profile, ...)
#   # ...                              anything else
#
# Rounds are interleaved: the states a phase needs are visited in order in odd rounds and
# in reverse order in even ones (A B C | C B A | A B C ...), so drift over the boot hits
# every configuration alike, and each round has its own baseline (module absent).
set -u

# Settings come from the kernel command line (init gets unknown key=value as environment).
clock=${BENCH_CLOCK:-wall}
rounds=${BENCH_ROUNDS:-6}
sample_ms=${BENCH_SAMPLE_MS:-40}
phases=${BENCH_PHASES:-main,rules,containers,depth,reload,contention}
samples=5
window_ms=2000

ob=/bench/bin/opbench
P=/bench/profiles
CG=/sys/fs/cgroup/bench
SWEEP="10 1000 10000 100000"
DEPTHS="1 5 10 30"

fail() {
	echo "# FAILED: $*"
	exit 1
}

# path NAME: a path from paths.txt.
path() {
	sed -n "s|^$1=||p" "$P/paths.txt"
}

now_ms() {
	echo $(($($ob now) / 1000000))
}

# timed WHAT CMD...: runs CMD quietly, prints "T WHAT ms"; fails the benchmark if CMD does.
timed() {
	local what="$1" t0 out
	shift
	t0=$(now_ms)
	out=$("$@" 2>&1) || fail "$what: $* said: $out"
	echo "T $what $(($(now_ms) - t0))"
}

has_phase() {
	case ",$phases," in
	*",$1,"*) return 0 ;;
	esac
	return 1
}

# --- State machine. The hub is "loaded" (module in, nothing loaded); every other state is
# one step from it: absent (module out), policy (all profiles of main/rules/depth loaded
# and attached), many:N (typical attached to N cgroups, nothing else). ---
state=absent
many=0

to_loaded() {
	case $state in
	absent)
		timed insmod insmod /bench/cgfence.ko
		;;
	policy)
		cgfence detach "$CG/ctr" > /dev/null || fail "detach ctr"
		for n in $SWEEP; do
			cgfence detach "$CG/r$n" > /dev/null || fail "detach r$n"
			cgfence unload "r$n" > /dev/null || fail "unload r$n"
		done
		cgfence unload typical > /dev/null || fail "unload typical"
		;;
	many)
		timed "detach-many $many" $ob detach "$CG/many" 0 "$many"
		many=0
		cgfence unload typical > /dev/null || fail "unload typical"
		;;
	esac
	state=loaded
}

# to_state absent | loaded | policy | many:N
to_state() {
	local want="$1" n

	case $want in
	absent)
		[ "$state" = absent ] && return
		to_loaded
		timed rmmod rmmod cgfence
		state=absent
		;;
	loaded)
		to_loaded
		;;
	policy)
		[ "$state" = policy ] && return
		to_loaded
		timed "load typical" cgfence load "$P/typical.cgf"
		for n in $SWEEP; do
			timed "load r$n" cgfence load "$P/rules-$n.cgf"
		done
		cgfence attach typical "$CG/ctr" > /dev/null || fail "attach ctr"
		for n in $SWEEP; do
			cgfence attach "r$n" "$CG/r$n" > /dev/null || fail "attach r$n"
		done
		state=policy
		;;
	many:*)
		n=${want#many:}
		if [ "$state" != many ]; then
			to_loaded
			cgfence load "$P/typical.cgf" > /dev/null || fail "load typical"
			state=many
		fi
		if [ "$n" -gt "$many" ]; then
			timed "attach-many $many-$n" $ob attach typical "$CG/many" "$many" "$n"
		elif [ "$n" -lt "$many" ]; then
			timed "detach-many $n-$many" $ob detach "$CG/many" "$n" "$many"
		fi
		many=$n
		;;
	esac
}

# --- Measurements. iters_OP: iterations per sample, calibrated once at boot. ---

# run LABEL OP PATH CGROUP [ERRNO]
run() {
	local label="$1" op="$2" p="$3" cg="$4" err="${5:-0}" n

	eval "n=\$iters_$op"
	$ob run -g "$cg" -n "$n" -s "$samples" -e "$err" "$label" "$op" "$p" ||
		fail "opbench run $label $op $p"
}

OPS="open openmany stat exec mmap mkdir mount"

# The objects each operation works on, allowed and denied.
obj() {
	case $1 in
	open | stat) path open ;;
	*) path "$1" ;;
	esac
}

obj_denied() {
	case $1 in
	open | stat) path open_denied ;;
	*) path "$1_denied" ;;
	esac
}

# What a denied operation fails with (stat is not mediated: it succeeds).
errno_denied() {
	case $1 in
	stat) echo 0 ;;
	mount) echo 1 ;;
	*) echo 13 ;;
	esac
}

# measure_state STATE ROUND: every measurement of main, rules and depth in that state.
measure_state() {
	local st="$1" r="$2" op n d cfg cg

	if has_phase main; then
		for op in $OPS; do
			case $st in
			absent | loaded)
				run "main:$st:$r" "$op" "$(obj "$op")" "$CG/host"
				;;
			policy)
				run "main:host:$r" "$op" "$(obj "$op")" "$CG/host"
				run "main:confined:$r" "$op" "$(obj "$op")" "$CG/ctr"
				run "main:denied:$r" "$op" "$(obj_denied "$op")" "$CG/ctr" \
					"$(errno_denied "$op")"
				;;
			esac
		done
	fi
	if has_phase rules; then
		case $st in
		absent)
			run "rules:absent:$r" openmany "$(path sweep_many)" "$CG/host"
			;;
		policy)
			# Distinct files, so that the trie is walked each time, not the cache read.
			for n in $SWEEP; do
				run "rules:r$n:$r" openmany "$(path sweep_many)" "$CG/r$n"
			done
			;;
		esac
	fi
	if has_phase depth; then
		for d in $DEPTHS; do
			case $st in
			absent) cfg=absent cg=$CG/host ;;
			policy) cfg=confined cg=$CG/ctr ;;
			*) continue ;;
			esac
			run "depth$d:$cfg:$r" open "$(path "depth$d")" "$cg"
		done
	fi
}

# serpentine ROUND STATE...: the states in order for an odd round, reversed for an even one.
serpentine() {
	local r="$1" s list=
	shift
	if [ $((r % 2)) -eq 1 ]; then
		echo "$@"
		return
	fi
	for s in "$@"; do
		list="$s $list"
	done
	echo "$list"
}

# --- Setup. ---
# No address space randomisation: where mmap() places a mapping decides whether munmap()
# frees a page table, which made the mmap operation bimodal from one process to the next.
echo 0 > /proc/sys/kernel/randomize_va_space || fail "randomize_va_space"
echo "# cgfence benchmark: clock=$clock rounds=$rounds samples=$samples sample_ms=$sample_ms phases=$phases"
echo "# kernel $(uname -r), $(nproc) CPUs, $(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM"
mkdir -p "$CG/host" "$CG/ctr" || fail "mkdir cgroups"
for n in $SWEEP; do
	mkdir -p "$CG/r$n" || fail "mkdir cgroups"
done
if has_phase containers; then
	timed "mkcg 10000" $ob mkcg "$CG/many" 10000
fi

# Iterations per sample, calibrated for sample_ms with the module absent.
for op in $OPS; do
	n=$($ob calib "$op" "$(obj "$op")" "$sample_ms") || fail "calibrate $op"
	eval "iters_$op=$n"
	echo "# iterations per sample: $op $n"
done

# --- Phases main, rules, depth: states absent, loaded, policy. ---
if has_phase main || has_phase rules || has_phase depth; then
	for r in $(seq 1 "$rounds"); do
		echo "# round $r"
		for st in $(serpentine "$r" absent loaded policy); do
			to_state "$st"
			measure_state "$st" "$r"
		done
	done
fi

# "100,000 rules loads and matches": the allowed path was measured above; a path no
# rule allows must be refused by the same profile.
if has_phase rules; then
	to_state policy
	$ob run -g "$CG/r100000" -n 1 -s 1 -e 13 "check:r100000-denies:1" open \
		"$(path sweep_denied)" > /dev/null || fail "r100000 does not deny $(path sweep_denied)"
	echo "# r100000 allows $(path sweep_open) and denies $(path sweep_denied): ok"
fi

# --- Phase containers: typical attached to 1 .. 10000 cgroups, the task in the first. ---
if has_phase containers; then
	for r in $(seq 1 "$rounds"); do
		echo "# containers round $r"
		for st in $(serpentine "$r" absent many:1 many:100 many:1000 many:10000); do
			to_state "$st"
			case $st in
			absent)
				run "containers:absent:$r" open "$(path open)" "$CG/host"
				;;
			many:*)
				run "containers:n${st#many:}:$r" open "$(path open)" "$CG/many/c0"
				;;
			esac
		done
	done
fi

# --- Phase reload: open+close latency of a confined task while typical is replaced. ---
# Windows: steady (nothing else runs), check (a loop of "cgfence check typical.cgf":
# the same userspace work without touching the kernel, the control), reload (a loop of
# "cgfence load typical.cgf", each one an atomic replace of the profile the task uses).
window() {
	local kind="$1" r="$2" pid=

	rm -f /tmp/stop
	case $kind in
	check | reload)
		(
			n=0
			while [ ! -e /tmp/stop ]; do
				if [ "$kind" = reload ]; then
					cgfence load "$P/typical.cgf" > /dev/null || echo "# FAILED: reload"
				else
					cgfence check "$P/typical.cgf" > /dev/null || echo "# FAILED: check"
				fi
				n=$((n + 1))
			done
			echo "C reload:$kind:$r $n"
		) &
		pid=$!
		;;
	esac
	$ob lat -g "$CG/ctr" "reload:$kind:$r" "$window_ms" "$(path open)" || fail "opbench lat"
	touch /tmp/stop
	[ -n "$pid" ] && wait "$pid"
}

# Wall time on a shared host is noisy: twice the rounds of the other phases, each round's
# windows side by side so that report.py can compare them pairwise.
if has_phase reload; then
	to_state policy
	for r in $(seq 1 $((2 * rounds))); do
		for kind in $(serpentine "$r" steady check reload); do
			window "$kind" "$r"
		done
	done
fi

# --- Phase contention: 1 and 2 tasks, one per vCPU, each opening its own file side by side,
# with the module absent and confined by typical: does the second CPU still add throughput?
if has_phase contention; then
	[ "$(nproc)" -ge 2 ] || fail "the contention phase needs 2 CPUs, this boot has $(nproc)"
	for r in $(seq 1 "$rounds"); do
		for st in $(serpentine "$r" absent policy); do
			to_state "$st"
			case $st in
			absent) cfg=absent cg=$CG/host ;;
			*) cfg=confined cg=$CG/ctr ;;
			esac
			# 1 2 2 1: drift within the round weighs on both task counts alike.
			for j in 1 2 2 1; do
				$ob par -g "$cg" -j "$j" "contention:$cfg:$r" "$window_ms" "$(path par)" ||
					fail "opbench par $cfg $j"
			done
		done
	done
fi

to_state absent
echo "# done"
