#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian packages cgfence needs (only those missing) and unpacks the stock kernel image.
#
# Usage: tests/deps.sh [--check]
#   --check   install nothing; say what is missing and exit 1 if anything is.
# Writes build/kernels/NAME.env for each kernel the tests boot (Debian's 6.1 and 6.12) and
# build/kernel.env (KVER, KDIR, VMLINUZ, MODDIR: the first of them) for the Makefile and scripts.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
check_only=0
[ "${1:-}" = "--check" ] && check_only=1

die() { echo "cgfence deps: $*" >&2; exit 1; }

# Everything the build, the VM tests, KUnit under UML and the demo use (e2fsprogs: the
# VM tests' ext4 images; runc and crun: real container runtimes in the VM, t_runtimes;
# mini-httpd and openssl: real dynamically linked programs confined by the rule sets, t_rulesets;
# debootstrap: the Debian system image of tests/system; dpkg-dev, debhelper, dh-dkms and dkms:
# make deb and tests/package, openssl for the MOK key dkms signs with there; clang and its
# runtime libraries: the libFuzzer targets of tests/fuzz).
packages=(
	build-essential bc bison flex cpio kmod xz-utils pkg-config python3
	libelf-dev libssl-dev
	libnl-3-dev libnl-genl-3-dev
	linux-headers-amd64 linux-headers-6.12-amd64 linux-source-6.1
	qemu-system-x86 busybox-static
	e2fsprogs groff-base python3-prometheus-client
	runc crun
	mini-httpd
	debootstrap
	dpkg-dev debhelper dh-dkms dkms openssl
	clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ $check_only = 1 ]; then
		die "missing packages: ${missing[*]} (run: make deps, as root)"
	fi
	[ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]}; run 'make deps' as root"
	echo "cgfence deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || die "apt-get update failed; check the network and /etc/apt/sources.list"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
fi

# The kernels the module is built for and booted with: NAME and the meta package of its
# headers, which depends on exactly one versioned headers package: that is the ABI we build for.
# Debian 12's own 6.1 first (the default for make, make demo and make bench), then the 6.12
# that Debian 12's security archive carries (Debian 13's kernel).
kernels=(
	"6.1 linux-headers-amd64"
	"6.12 linux-headers-6.12-amd64"
)

# setup_kernel NAME META: unpacks the image matching META's headers; writes build/kernels/NAME.env.
setup_kernel() {
	local name=$1 meta=$2 kver kdir imgdir vmlinuz deb hdr_ver img_ver

	kver=$(dpkg-query -W -f='${Depends}' "$meta" | grep -o 'linux-headers-[^ ,]*-amd64' | head -n1)
	kver=${kver#linux-headers-}
	[ -n "$kver" ] || die "cannot tell the kernel version from $meta"
	kdir="/usr/src/linux-headers-$kver"
	[ -f "$kdir/Makefile" ] || die "kernel headers $kdir are missing; run: apt-get install linux-headers-$kver"

	# The image is unpacked, never installed: the VM boots it, the host keeps its own kernel.
	imgdir="$build/kernel/$kver"
	vmlinuz="$imgdir/boot/vmlinuz-$kver"
	if [ ! -f "$vmlinuz" ]; then
		[ $check_only = 1 ] && die "kernel image $kver not unpacked (run: make deps)"
		mkdir -p "$build/kernel/debs"
		(cd "$build/kernel/debs" && apt-get download "linux-image-$kver" >/dev/null 2>&1) ||
			die "apt-get download linux-image-$kver failed; the archive may have moved on: run apt-get update and upgrade $meta"
		deb=$(ls "$build/kernel/debs/linux-image-${kver}_"*.deb | head -n1)
		rm -rf "$imgdir.tmp"
		dpkg-deb -x "$deb" "$imgdir.tmp"
		rm -rf "$imgdir"
		mv "$imgdir.tmp" "$imgdir"
	fi

	# A module built against one kernel's headers must boot with that same kernel.
	hdr_ver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver")
	img_ver=$(dpkg-deb -f "$(ls "$build/kernel/debs/linux-image-${kver}_"*.deb | head -n1)" Version)
	[ "$hdr_ver" = "$img_ver" ] ||
		die "kernel headers $kver are version $hdr_ver but the image is $img_ver; run 'apt-get update && apt-get install $meta' then 'rm -rf build/kernel && make deps'"

	mkdir -p "$build/kernels"
	# KO: the module the tests boot with this kernel, built by make test-modules.
	cat > "$build/kernels/$name.env" <<-ENV
	KNAME=$name
	KVER=$kver
	KDIR=$kdir
	VMLINUZ=$vmlinuz
	MODDIR=$imgdir/lib/modules/$kver
	KO=$build/ko/$kver/cgfence.ko
	ENV
}

rm -rf "$build/kernels"
for k in "${kernels[@]}"; do
	# shellcheck disable=SC2086
	setup_kernel $k
done

# build/kernel.env: the default kernel (the first), for make, make demo and make bench.
mkdir -p "$build"
grep -v '^KO=' "$build/kernels/${kernels[0]%% *}.env" > "$build/kernel.env"
