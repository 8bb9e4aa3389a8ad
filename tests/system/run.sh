#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# System test bed: a Debian 12 image with systemd, podman and Docker, booted in QEMU; writes build/results/system.tap.
#
# The image is made with debootstrap from Debian's archive and the stock kernel package the
# e2e suite boots (tests/deps.sh), and cached under build/system/base-HASH: it is made again
# only when its recipe (the packages below, the kernel package) changes, which takes about
# four minutes. Each run copies the module, the tool, the shipped profiles, the OCI hook
# files and tests/system/guest-test.sh into it, makes an ext4 disk of it and boots it; the
# guest's results come out on the second serial port. Kernel log lines of
# tests/kernel-trouble.sh fail the run.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$top/build/system
results=$top/build/results
tap_out=$results/system.tap
# shellcheck source=tests/kernel-trouble.sh
. "$top/tests/kernel-trouble.sh"

packages=(systemd systemd-sysv udev kmod iproute2 iptables podman containernetworking-plugins
	runc crun docker.io containerd ca-certificates libnl-genl-3-200 initramfs-tools zstd apparmor
	dkms)

fail_early() {
	mkdir -p "$results"
	{
		echo "1..1"
		echo "not ok 1 - system: set up the test bed"
		printf '%s\n' "$1" | sed 's/^/# /'
	} > "$tap_out"
	cat "$tap_out"
	exit 1
}

[ -f "$top/build/kernels/6.1.env" ] || fail_early "no kernel set up (run: make deps)"
# shellcheck source=/dev/null
. "$top/build/kernels/6.1.env"
kdeb=$(find "$top/build/kernel/debs" -name "linux-image-${KVER}_*.deb" 2> /dev/null | head -n 1)
[ -n "$kdeb" ] || fail_early "the kernel package of $KVER is not in build/kernel/debs (run: make deps)"
command -v debootstrap > /dev/null || fail_early "debootstrap is missing (run: make deps)"

debs=("$top"/build/deb/cgfence_*.deb "$top"/build/deb/cgfence-dkms_*.deb)
for f in "${debs[@]}"; do
	[ -f "$f" ] || fail_early "$f is missing (run: make deb)"
done

hash=$(printf '%s\n' "${packages[@]}" "$(basename "$kdeb")" recipe-3 | sha256sum | cut -c1-12)
base=$work/base-$hash
if [ ! -e "$base/.complete" ]; then
	echo "system: making the Debian image (debootstrap, about four minutes)"
	rm -rf "$work"/base-*
	mkdir -p "$work"
	old_ifs=$IFS
	IFS=,
	include="${packages[*]}"
	IFS=$old_ifs
	debootstrap --variant=minbase --include="$include" bookworm "$base" \
		http://deb.debian.org/debian > "$work/debootstrap.log" 2>&1 ||
		fail_early "debootstrap failed: $(tail -n 5 "$work/debootstrap.log")"
	cp "$kdeb" "$base/tmp/kernel.deb"
	# DKMS builds the packaged module in the image, against the headers of the kernel it
	# boots: they come from the same archives as the host's (the security archive's).
	cp /etc/apt/sources.list.d/*.sources "$base/etc/apt/sources.list.d/" 2> /dev/null
	cp /etc/apt/sources.list "$base/etc/apt/" 2> /dev/null
	mount -t proc proc "$base/proc"
	{
		chroot "$base" dpkg -i /tmp/kernel.deb &&
			chroot "$base" apt-get update &&
			chroot "$base" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
				--no-install-recommends "linux-headers-$KVER" &&
			chroot "$base" apt-get clean
	} > "$work/kernel.log" 2>&1
	rc=$?
	umount "$base/proc"
	rm -f "$base/tmp/kernel.deb"
	[ $rc -eq 0 ] || fail_early "installing $kdeb failed: $(tail -n 5 "$work/kernel.log")"
	echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > "$base/etc/fstab"
	echo cgfence-system > "$base/etc/hostname"
	touch "$base/.complete"
fi

# What this tree builds, as a host gets it: the two packages, DKMS building the module for
# the image's kernel. The image is reused: the previous run's packages are purged first.
cp "${debs[@]}" "$base/tmp/"
mount -t proc proc "$base/proc"
chroot "$base" sh -c 'dpkg --purge cgfence cgfence-dkms &&
	dpkg -i /tmp/cgfence-dkms_*.deb /tmp/cgfence_*.deb' > "$work/packages.log" 2>&1
rc=$?
umount "$base/proc"
rm -f "$base"/tmp/cgfence*.deb
[ $rc -eq 0 ] || fail_early "installing the packages failed: $(tail -n 8 "$work/packages.log")"
ko=$(find "$base/lib/modules/$KVER" -name 'cgfence.ko*' | head -n 1)
[ -n "$ko" ] || fail_early "DKMS built no cgfence.ko for $KVER: $(tail -n 8 "$work/packages.log")"
# The host's boot policy: the shipped profiles and a cgroup confined from boot on (made by
# the test's own unit before cgfence.service runs); the test locks it later, by reload.
cat > "$base/etc/cgfence/cgfence.conf" <<-EOF
load = /usr/share/cgfence/policy/*.cgf
load = /etc/cgfence/profiles/*.cgf
attach = restricted /sys/fs/cgroup/boot-confined
lock = no
EOF
cat > "$base/etc/systemd/system/cgfence-systest-cgroup.service" <<-EOF
[Unit]
Description=cgfence system test: the cgroup the boot policy confines
DefaultDependencies=no
Before=cgfence.service

[Service]
Type=oneshot
ExecStart=/bin/mkdir -p /sys/fs/cgroup/boot-confined
EOF
mkdir -p "$base/etc/systemd/system/sysinit.target.wants"
ln -sf /etc/systemd/system/cgfence-systest-cgroup.service \
	"$base/etc/systemd/system/sysinit.target.wants/cgfence-systest-cgroup.service"
# Docker's runtimes as README.md shows them, and one naming a profile that is not loaded.
# No network in the VM: Docker needs neither its bridge nor iptables here.
mkdir -p "$base/etc/docker"
cat > "$base/etc/docker/daemon.json" <<-EOF
{"runtimes": {"cgfence": {"path": "/usr/sbin/cgfence-runc"},
              "cgfence-restricted": {"path": "/usr/sbin/cgfence-runc",
                                     "runtimeArgs": ["--cgfence-profile=restricted"]},
              "cgfence-missing": {"path": "/usr/sbin/cgfence-runc",
                                  "runtimeArgs": ["--cgfence-profile=nosuchprofile"]}},
 "iptables": false, "bridge": "none"}
EOF
# The image has no D-Bus: podman manages cgroups itself.
mkdir -p "$base/etc/containers"
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
	> "$base/etc/containers/containers.conf"
mkdir -p "$base/usr/local/lib/cgfence-systest"
gcc -static -O2 -Wall -Werror -o "$base/usr/local/lib/cgfence-systest/oci_probe" \
	"$top/tests/e2e/oci_probe.c" || fail_early "cannot compile oci_probe.c"
install -m 0755 "$top/tests/system/guest-test.sh" "$base/usr/local/sbin/cgfence-systest"
cat > "$base/etc/systemd/system/cgfence-systest.service" <<-EOF
[Unit]
Description=cgfence system test
After=docker.service containerd.service
Wants=docker.service

[Service]
Type=simple
ExecStart=/usr/local/sbin/cgfence-systest
EOF
mkdir -p "$base/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/cgfence-systest.service \
	"$base/etc/systemd/system/multi-user.target.wants/cgfence-systest.service"

rm -f "$work/disk.img"
truncate -s 4G "$work/disk.img"
mkfs.ext4 -q -F -d "$base" "$work/disk.img" || fail_early "mkfs.ext4 -d failed"

echo "system: booting the image (systemd, Docker, podman under software emulation)"
rm -f "$work/console.log" "$work/tap.raw"
start=$(date +%s)
timeout -k 5 900 qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
	-m 3072 -smp 2 -cpu max \
	-kernel "$base/boot/vmlinuz-$KVER" -initrd "$base/boot/initrd.img-$KVER" \
	-append "root=/dev/vda rw console=ttyS0 panic=-1 oops=panic quiet" \
	-drive "file=$work/disk.img,format=raw,if=virtio" \
	-serial "file:$work/console.log" -serial "file:$work/tap.raw"
qemu_rc=$?
secs=$(($(date +%s) - start))

mkdir -p "$results"
{
	tr -d '\r' < "$work/tap.raw" | grep -v '^1\.\.' | grep -E '^(ok|not ok|#)' |
		sed -E 's/^(ok|not ok) [0-9]+ - /\1 - system: /'
	if grep -q '^# system-test-done' "$work/tap.raw" 2> /dev/null; then
		echo "ok - system: the guest ran its tests to the end"
	else
		echo "not ok - system: the guest ran its tests to the end"
	fi
	planned=$(tr -d '\r' < "$work/tap.raw" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | head -n 1)
	ran=$(tr -d '\r' < "$work/tap.raw" | grep -cE '^(ok|not ok) ')
	if [ -n "$planned" ] && [ "$planned" = "$ran" ]; then
		echo "ok - system: every planned result came ($ran)"
	else
		echo "not ok - system: every planned result came (planned ${planned:-none}, got $ran)"
	fi
	if [ $qemu_rc -eq 0 ]; then
		echo "ok - system: QEMU exited with status 0 ($secs s)"
	else
		echo "not ok - system: QEMU exited with status 0 (status $qemu_rc after $secs s)"
	fi
	trouble=$(kernel_trouble_lines "$work/console.log")
	if [ -z "$trouble" ]; then
		echo "ok - system: guest kernel log clean"
	else
		echo "not ok - system: guest kernel log clean"
		printf '%s\n' "$trouble" | head -n 20 | sed 's/^/# /'
	fi
} | python3 "$top/tests/tap.py" number > "$tap_out"
cat "$tap_out"
python3 "$top/tests/tap.py" check --name system --expected-skips "$top/tests/expected-skips" \
	"$tap_out" >&2
