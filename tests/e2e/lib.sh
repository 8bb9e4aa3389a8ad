# SPDX-License-Identifier: GPL-2.0
# Shared host side of the VM runs (tests and demo): build the initramfs, boot QEMU, scan the log.
# shellcheck shell=bash disable=SC2034,SC2154
#
# Sourced by run.sh and demo.sh after they set $top. Defines $e2e_work and the functions below.

e2e_src="$top/tests/e2e"
e2e_work="$top/build/e2e"
# E2E_KO: boot another build of the module (for example a deliberately broken one); else the
# module test-modules built for the kernel e2e_load_env read (its KO).
e2e_ko=
e2e_tool="$top/build/cgfence-static"

# Kernel log lines that mean the kernel or the module went wrong, whatever the tests printed.
# shellcheck source-path=SCRIPTDIR source=../kernel-trouble.sh
. "$top/tests/kernel-trouble.sh"
e2e_bad_log_re=$kernel_trouble_re

# Why the last e2e_* call failed, for the TAP line or the message the caller prints.
e2e_error=

# e2e_load_env [NAME]: reads build/kernels/NAME.env (KNAME, KVER, KDIR, VMLINUZ, MODDIR, KO),
# or without NAME build/kernel.env, the default kernel; KO is test-modules' build for it.
e2e_load_env() {
	local env="$top/build/kernel.env"

	[ -n "${1:-}" ] && env="${E2E_KERNEL_ENVS:-$top/build/kernels}/$1.env"
	if [ ! -f "$env" ]; then
		e2e_error="$env is missing (run: make deps)"
		return 1
	fi
	KO=
	# shellcheck disable=SC1090
	. "$env"
	KO=${KO:-$top/build/ko/$KVER/cgfence.ko}
	e2e_ko=${E2E_KO:-$KO}
	if [ ! -f "${VMLINUZ:-}" ]; then
		e2e_error="kernel image ${VMLINUZ:-?} is missing (run: make deps)"
		return 1
	fi
}

# e2e_kernels: the names of the kernels the tests boot (tests/deps.sh), oldest first;
# E2E_KERNELS=6.12 (a developer's shortcut, a narrowed run) picks some of them.
e2e_kernels() {
	local f

	if [ -n "${E2E_KERNELS:-}" ]; then
		echo "${E2E_KERNELS//,/ }"
		return
	fi
	for f in "${E2E_KERNEL_ENVS:-$top/build/kernels}"/*.env; do
		[ -e "$f" ] || continue
		f=${f##*/}
		echo "${f%.env}"
	done | sort -V
}

# e2e_cc OUT SRC...: one static test program; the VM has no shared libraries.
e2e_cc() {
	local out=$1

	shift
	gcc -static -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -I "$top/module/uapi" -I "$e2e_src" \
		-ffunction-sections -fdata-sections -Wl,--gc-sections -o "$out" "$@"
}

# e2e_ext4_images DIR: ext4.img, an ext4 filesystem whose journal is on another device,
# and journal.img, that device. mke2fs makes an external journal only on a block device,
# which the build machine must not set up: the filesystem is made without a journal and
# pointed at the journal device's UUID, and the journal gets its one user, as mke2fs -J
# device= would have written them (jbd2's superblock is at 2048 with 1 KiB blocks:
# s_nr_users at +64, s_users at +256). No metadata_csum, which the forged journal lacks.
e2e_ext4_images() {
	local dir=$1 juuid fuuid

	mkdir -p "$dir" || return 1
	rm -f "$dir/ext4.img" "$dir/journal.img"
	mke2fs -q -b 1024 -O journal_dev -F "$dir/journal.img" 2048 || return 1
	mke2fs -q -t ext4 -b 1024 -O ^has_journal,^metadata_csum -F "$dir/ext4.img" 4096 || return 1
	juuid=$(dumpe2fs -h "$dir/journal.img" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
	fuuid=$(dumpe2fs -h "$dir/ext4.img" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
	[ -n "$juuid" ] && [ -n "$fuuid" ] || return 1
	debugfs -w -R "feature has_journal" "$dir/ext4.img" || return 1
	debugfs -w -R "ssv journal_uuid $juuid" "$dir/ext4.img" || return 1
	python3 - "$dir/journal.img" "$fuuid" <<-'EOF' || return 1
	import sys, uuid
	with open(sys.argv[1], "r+b") as f:
	    f.seek(2048 + 64)
	    f.write((1).to_bytes(4, "big"))
	    f.seek(2048 + 256)
	    f.write(uuid.UUID(sys.argv[2]).bytes)
	EOF
}

# e2e_copy_program ROOT PROGRAM DEST: PROGRAM at ROOT/DEST, with every library it links
# (as ldd lists them, the ELF interpreter included) at its own path under ROOT.
e2e_copy_program() {
	local root=$1 prog=$2 dest=$3 lib

	[ -x "$prog" ] || return 1
	install -D -m 0755 "$prog" "$root$dest" || return 1
	for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib" || return 1
	done
}

# e2e_rulesets_files ROOT: what t_rulesets confines with the shipped rule sets (policy/set-*.cgf),
# at their Debian paths: three dynamically linked programs with their libraries (mini_httpd,
# openssl, coreutils' date at /usr/bin/date, where busybox's applet does not sit), and the
# files the sets exist for: the name service files, two time zones (/etc/localtime a symlink
# into zoneinfo, as Debian makes it), the C.UTF-8 locale and gconv's cache, OpenSSL's
# configuration, and a CA certificate installed as update-ca-certificates installs one
# (bundle, NAME.pem and HASH.0 links into /usr/share/ca-certificates) with a leaf it signed.
# A missing program is reported by t_rulesets, not by the build.
e2e_rulesets_files() {
	local root=$1 t ca=$1/usr/share/ca-certificates/cgfence-e2e tls=$1/srv/tls

	for t in /usr/sbin/mini_httpd /usr/bin/openssl /usr/bin/date; do
		[ -e "$t" ] || continue
		e2e_copy_program "$root" "$t" "$t" || return 1
	done
	printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
	printf '127.0.0.1\tlocalhost\n' > "$root/etc/hosts"
	install -D -m 0644 /etc/gai.conf "$root/etc/gai.conf" || return 1
	for t in Etc/UTC Europe/Berlin; do
		install -D -m 0644 "/usr/share/zoneinfo/$t" "$root/usr/share/zoneinfo/$t" || return 1
	done
	ln -sfn ../usr/share/zoneinfo/Etc/UTC "$root/etc/localtime" || return 1
	mkdir -p "$root/usr/lib/locale" "$root/usr/share/locale" "$root/usr/lib/x86_64-linux-gnu/gconv" ||
		return 1
	cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/" || return 1
	install -m 0644 /usr/share/locale/locale.alias "$root/usr/share/locale/" || return 1
	install -m 0644 /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache \
		"$root/usr/lib/x86_64-linux-gnu/gconv/" || return 1
	install -D -m 0644 /etc/ssl/openssl.cnf "$root/etc/ssl/openssl.cnf" || return 1
	mkdir -p "$root/usr/lib/ssl" "$root/etc/ssl/certs" "$root/etc/ssl/private" "$ca" "$tls" ||
		return 1
	ln -sfn /etc/ssl/openssl.cnf "$root/usr/lib/ssl/openssl.cnf" || return 1
	ln -sfn /etc/ssl/certs "$root/usr/lib/ssl/certs" || return 1
	ln -sfn /etc/ssl/certs/ca-certificates.crt "$root/usr/lib/ssl/cert.pem" || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$root/etc/ssl/private/cgfence-e2e-ca.key" \
		-out "$ca/test-ca.crt" -subj /CN=cgfence-e2e-ca -days 3650 || return 1
	openssl req -newkey rsa:2048 -nodes -keyout "$tls/leaf.key" -out "$tls/leaf.csr" \
		-subj /CN=leaf.cgfence-e2e -days 3650 || return 1
	openssl x509 -req -in "$tls/leaf.csr" -CA "$ca/test-ca.crt" \
		-CAkey "$root/etc/ssl/private/cgfence-e2e-ca.key" -CAcreateserial -out "$tls/leaf.pem" \
		-days 3650 || return 1
	# A certificate nobody trusts: verify must fail on it, the control that the store decides.
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/stray.key" -out "$tls/stray.pem" \
		-subj /CN=stray.cgfence-e2e -days 3650 || return 1
	rm -f "$tls/leaf.csr" "$tls/leaf.key" "$tls/stray.key" "$ca/test-ca.srl"
	ln -sfn /usr/share/ca-certificates/cgfence-e2e/test-ca.crt \
		"$root/etc/ssl/certs/cgfence-e2e-test-ca.pem" || return 1
	ln -sfn cgfence-e2e-test-ca.pem \
		"$root/etc/ssl/certs/$(openssl x509 -hash -noout -in "$ca/test-ca.crt").0" || return 1
	cp "$ca/test-ca.crt" "$root/etc/ssl/certs/ca-certificates.crt"
}

# e2e_build: compiles the test programs and packs build/e2e/initramfs.cpio.gz.
e2e_build() {
	local root="$e2e_work/root" t name log="$e2e_work/build.log"
	local helpers=("$e2e_src/tap.c" "$e2e_src/e2e.c" "$e2e_src/genl.c")

	: > "$log"
	if [ ! -f "$e2e_ko" ]; then
		e2e_error="$e2e_ko is missing (make module failed or was not run)"
		return 1
	fi
	if [ ! -x /bin/busybox ] || readelf -l /bin/busybox 2>/dev/null | grep -q 'INTERP'; then
		# Debian's busybox package is dynamic; the static one replaces /bin/busybox.
		e2e_error="/bin/busybox is not the static build (run: make deps)"
		return 1
	fi

	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,e2e/tests}
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	install -m 0755 "$e2e_src/guest/init" "$root/init"
	install -m 0644 "$e2e_ko" "$root/e2e/cgfence.ko"
	install -m 0644 "$e2e_src/guest/tap.sh" "$root/e2e/tap.sh"
	install -m 0755 "$e2e_src/guest/run-tests.sh" "$root/e2e/run-tests.sh"
	install -m 0755 "$e2e_src/guest/demo.sh" "$root/e2e/demo.sh"
	mkdir -p "$root/e2e/policy"
	install -m 0644 "$top"/policy/*.cgf "$root/e2e/policy/"
	mkdir -p "$root/e2e/policy/examples"
	install -m 0644 "$top"/policy/examples/*.cgf "$root/e2e/policy/examples/"
	# A missing tool is reported by the tests that use it, not by the build.
	[ -x "$e2e_tool" ] && install -m 0755 "$e2e_tool" "$root/bin/cgfence"
	# Stock modules: a block device to mount (t_device: loop, and minix, a filesystem
	# simple enough for the test to write), an overlay root (t_after_open: overlay). The
	# guest has no modprobe: tests insmod them (stock_module_load() in e2e.c). A kernel
	# without them cannot run those tests: that is a failed build, never a skip.
	# ext4 and what it needs (t_bdev: a filesystem with a second device, its journal).
	mkdir -p "$root/e2e/modules"
	# Debian's 6.12 ships them xz-compressed: the guest gets them plain, for finit_module().
	for t in drivers/block/loop.ko fs/minix/minix.ko fs/overlayfs/overlay.ko lib/crc16.ko \
		crypto/crc32c_generic.ko fs/mbcache.ko fs/jbd2/jbd2.ko fs/ext4/ext4.ko; do
		name=${t##*/}
		if [ -f "$MODDIR/kernel/$t" ]; then
			install -m 0644 "$MODDIR/kernel/$t" "$root/e2e/modules/" 2>> "$log"
		elif [ -f "$MODDIR/kernel/$t.xz" ]; then
			xz -dc "$MODDIR/kernel/$t.xz" > "$root/e2e/modules/$name" 2>> "$log"
		else
			false
		fi || {
			e2e_error="$MODDIR/kernel/$t is missing: the e2e tests need it"
			return 1
		}
	done

	if ! e2e_ext4_images "$root/e2e/images" >> "$log" 2>&1; then
		e2e_error="cannot make the ext4 images (e2fsprogs): $(head -c 2000 "$log")"
		return 1
	fi

	if ! e2e_cc "$root/bin/runas" "$e2e_src/runas.c" >> "$log" 2>&1; then
		e2e_error="cannot compile runas.c: $(head -c 2000 "$log")"
		return 1
	fi
	if ! e2e_cc "$root/e2e/oci_probe" "$e2e_src/oci_probe.c" >> "$log" 2>&1; then
		e2e_error="cannot compile oci_probe.c: $(head -c 2000 "$log")"
		return 1
	fi
	if ! e2e_cc "$root/bin/audit_tail" "$e2e_src/audit_tail.c" >> "$log" 2>&1; then
		e2e_error="cannot compile audit_tail.c: $(head -c 2000 "$log")"
		return 1
	fi
	# Real container runtimes (t_runtimes), Debian's packages at their Debian paths, with
	# the libraries they link. tests/deps.sh installs them; like the tool, one that is
	# missing is reported by the test that uses it (t_runtimes), not by the build.
	for t in /usr/sbin/runc /usr/bin/crun; do
		[ -e "$t" ] || continue
		if ! e2e_copy_program "$root" "$t" "$t" >> "$log" 2>&1; then
			e2e_error="cannot copy $t and its libraries into the image: $(head -c 2000 "$log")"
			return 1
		fi
	done
	if ! e2e_rulesets_files "$root" >> "$log" 2>&1; then
		e2e_error="cannot lay out t_rulesets' programs and files: $(tail -c 2000 "$log")"
		return 1
	fi
	# E2E_EXTRA_TESTS: a directory of more t_*.c for this image (make stress: tests/stress).
	for t in "$e2e_src"/t_*.c ${E2E_EXTRA_TESTS:+"$E2E_EXTRA_TESTS"/t_*.c}; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .c)
		if ! e2e_cc "$root/e2e/tests/$name" "$t" "${helpers[@]}" >> "$log" 2>&1; then
			e2e_error="cannot compile $name.c: $(head -c 2000 "$log")"
			return 1
		fi
	done
	for t in "$e2e_src"/guest/t_*.sh; do
		[ -e "$t" ] || continue
		install -m 0755 "$t" "$root/e2e/tests/$(basename "$t" .sh)"
	done

	cat > "$root/etc/passwd" <<-EOF
	root:x:0:0:root:/root:/bin/sh
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat > "$root/etc/group" <<-EOF
	root:x:0:
	nogroup:x:65534:
	EOF
	# The guest checks the module's and the tool's answers against the header both were built from.
	cat > "$root/etc/cgfence-e2e.env" <<-EOF
	CGFENCE_VERSION=$(sed -n 's/^#define CGFENCE_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$top/module/uapi/cgfence.h")
	KVER=$KVER
	KERNEL_TROUBLE_RE='$e2e_bad_log_re'
	EOF

	if ! (cd "$root" && find . -print0 | LC_ALL=C sort -z |
	      cpio --quiet -o -0 -H newc -R 0:0 | gzip -1 > "$e2e_work/initramfs.cpio.gz"); then
		e2e_error="cannot pack the initramfs"
		return 1
	fi
}

# e2e_boot MODE TIMEOUT [ARGS]: boots the VM; console in guest.log, TAP (second serial port) in
# tap.raw. ARGS go on the kernel command line (E2E_ONLY=t_x,t_y: the tests the guest runs).
# Returns QEMU's status (124 when the host timeout hit).
e2e_boot() {
	local mode=$1 limit=$2 extra=${3:-} rc

	rm -f "$e2e_work/guest.log" "$e2e_work/tap.raw"
	# oops=panic + panic=-1 + -no-reboot: a kernel crash ends the VM at once instead of
	# leaving a broken guest to run into the timeout; the log keeps the trace.
	# thread=single: with one host thread per vCPU (QEMU's default), a kernel patching its
	# own text (a static key flipped at boot, or when runc makes a cpuset cgroup) sometimes
	# died of "Oops: int3" under a busy host, on 6.12 twice in a day, cgfence not loaded
	# in one of them: an emulator race, not a kernel bug. Both vCPUs then share one thread.
	timeout -k 5 "$limit" qemu-system-x86_64 \
		-nodefaults -no-user-config -display none -no-reboot \
		-accel tcg,thread=single -m "${E2E_MEM:-1024}" -smp 2 \
		-kernel "$VMLINUZ" -initrd "$e2e_work/initramfs.cpio.gz" \
		-append "console=ttyS0,115200 panic=-1 oops=panic E2E_MODE=$mode${extra:+ $extra}${E2E_APPEND:+ $E2E_APPEND}" \
		-serial "file:$e2e_work/guest.log" -serial "file:$e2e_work/tap.raw" \
		> "$e2e_work/qemu.out" 2>&1
	rc=$?
	[ -f "$e2e_work/guest.log" ] || : > "$e2e_work/guest.log"
	[ -f "$e2e_work/tap.raw" ] || : > "$e2e_work/tap.raw"
	return "$rc"
}

# e2e_bad_log_lines [LOG]: prints the kernel log lines that match a known failure pattern.
e2e_bad_log_lines() {
	kernel_trouble_lines "${1:-$e2e_work/guest.log}"
}

# e2e_own_boot_tests: tests that need a VM of their own, one boot each: they leave the kernel
# in a state only a reboot undoes (t_lock*: policy locked, module pinned).
e2e_own_boot_tests() {
	local t

	for t in "$e2e_src"/t_lock*.c "$e2e_src"/guest/t_lock*.sh; do
		[ -e "$t" ] || continue
		t=${t##*/}
		echo "${t%.*}"
	done
}
