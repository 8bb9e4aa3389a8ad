#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages: make deb, what each .deb holds, and a DKMS build of cgfence-dkms against
# Debian's kernel headers; writes build/results/package.tap.
#
# DKMS runs in a private mount namespace with empty directories over /var/lib/dkms and
# /lib/modules, besides its --dkmstree, --sourcetree and --installtree under build/package:
# the host's DKMS state and modules are never touched, and the MOK key dkms makes to sign the
# module is a throwaway one. The kernels are tests/deps.sh's (build/kernels/NAME.env).
# shellcheck disable=SC2016 # the bash -c scripts expand their own arguments
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$top/build
work=$build/package
# shellcheck source-path=SCRIPTDIR source=../runner.sh
. "$top/tests/runner.sh"
runner_start package "package: "

check() { # NAME COMMAND...: the command's status is the result
	local name=$1
	shift
	"$@"
	result $? "$name"
}


# Everything this suite runs, each named with the package it comes from.
missing=()
for t in dpkg-buildpackage:dpkg-dev dh:debhelper dh_dkms:dh-dkms dkms:dkms dpkg-deb:dpkg \
	unshare:util-linux modinfo:kmod openssl:openssl; do
	command -v "${t%%:*}" >/dev/null || missing+=("${t%%:*} (apt-get install ${t#*:})")
done
result ${#missing[@]} "the tools are installed (dpkg-dev, debhelper, dh-dkms, dkms, kmod, openssl)"
if [ ${#missing[@]} -gt 0 ]; then
	diag "missing: ${missing[*]}; run make deps"
	finished=1
	exit 1
fi

rm -rf "$work"
mkdir -p "$work"

# --- make deb ---
start=$(date +%s)
make -C "$top" --no-print-directory deb >"$work/make-deb.log" 2>&1
rc=$?
result $rc "make deb exits 0 ($(($(date +%s) - start)) s)"
[ $rc -eq 0 ] || diag "$(tail -n 30 "$work/make-deb.log")"

debver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
ver=${debver%-*}
header_ver=$(sed -n 's/^#define CGFENCE_VERSION[[:space:]]*"\(.*\)"/\1/p' "$top/module/uapi/cgfence.h")
check "debian/changelog's upstream version ($ver) is the module's CGFENCE_VERSION ($header_ver)" \
	[ "$ver" = "$header_ver" ]

arch=$(dpkg --print-architecture)
tool_deb=$build/deb/cgfence_${debver}_$arch.deb
dkms_deb=$build/deb/cgfence-dkms_${debver}_all.deb
debs=$(cd "$build/deb" 2>/dev/null && find . -maxdepth 1 -name '*.deb' -printf '%f\n' | sort |
	tr '\n' ' ')
check "build/deb holds exactly the two packages (got: ${debs:-none})" \
	[ "$debs" = "$(printf '%s\n' "${tool_deb##*/}" "${dkms_deb##*/}" | sort | tr '\n' ' ')" ]

# contents DEB: its files (not directories), as /path, sorted.
contents() {
	dpkg-deb --fsys-tarfile "$1" | tar -t | grep -v '/$' | sed 's|^\./|/|' | sort
}
field() { # DEB FIELD
	dpkg-deb -f "$1" "$2"
}
has() { # LIST PATH: PATH is a line of LIST
	grep -qxF -- "$2" <<<"$1"
}

# --- cgfence: what make install-tool installs, nothing more, nothing less ---
tool_files=$(contents "$tool_deb" 2>/dev/null)
check "cgfence holds /usr/sbin/cgfence" has "$tool_files" /usr/sbin/cgfence
for p in "$top"/policy/*.cgf; do
	check "cgfence holds /usr/share/cgfence/policy/${p##*/}" \
		has "$tool_files" "/usr/share/cgfence/policy/${p##*/}"
done
check "cgfence holds /etc/cgfence/oci.conf" has "$tool_files" /etc/cgfence/oci.conf
check "cgfence holds /usr/share/containers/oci/hooks.d/cgfence.json" \
	has "$tool_files" /usr/share/containers/oci/hooks.d/cgfence.json

# install-tool's own list, staged; Debian 12 ships units under /lib/systemd/system, and
# dh_compress gzips man pages.
rm -rf "$work/staged"
if make -C "$top" --no-print-directory install-tool DESTDIR="$work/staged" \
	>"$work/install-tool.log" 2>&1; then
	staged=$(cd "$work/staged" && find . ! -type d | sed 's|^\.||' |
		sed 's|^/usr/lib/systemd/system/|/lib/systemd/system/|; s|^\(/usr/share/man/.*\)$|\1.gz|' |
		sort)
	packaged=$(grep -v '^/usr/share/doc/cgfence/' <<<"$tool_files")
	check "cgfence holds exactly what make install-tool installs (and its docs)" \
		[ "$staged" = "$packaged" ]
	[ "$staged" = "$packaged" ] || diag "$(diff <(echo "$staged") <(echo "$packaged"))"
else
	result 1 "cgfence holds exactly what make install-tool installs (and its docs)"
	diag "make install-tool failed: $(tail -n 10 "$work/install-tool.log")"
fi
check "cgfence's conffiles are exactly /etc/cgfence/cgfence.conf and oci.conf" \
	bash -c '[ "$(dpkg-deb --ctrl-tarfile "$1" | tar -xO ./conffiles 2>/dev/null | sort)" = \
		"$(printf "%s\n" /etc/cgfence/cgfence.conf /etc/cgfence/oci.conf)" ]' _ "$tool_deb"
check "cgfence depends on libnl-genl-3-200 (from shlibs)" \
	grep -q 'libnl-genl-3-200' <<<"$(field "$tool_deb" Depends 2>/dev/null)"
check "cgfence recommends cgfence-dkms" [ "$(field "$tool_deb" Recommends 2>/dev/null)" = cgfence-dkms ]

rm -rf "$work/tool-root"
dpkg-deb -x "$tool_deb" "$work/tool-root" 2>/dev/null
out=$("$work/tool-root/usr/sbin/cgfence" --version 2>&1)
check "the packaged cgfence --version prints 'cgfence $ver'" [ "$out" = "cgfence $ver" ]

# The service: enabled on install, never stopped by an upgrade; each runtime's drop-in.
postinst=$(dpkg-deb --ctrl-tarfile "$tool_deb" 2>/dev/null | tar -xO ./postinst 2>/dev/null)
prerm=$(dpkg-deb --ctrl-tarfile "$tool_deb" 2>/dev/null | tar -xO ./prerm 2>/dev/null)
check "cgfence holds /lib/systemd/system/cgfence.service" \
	has "$tool_files" /lib/systemd/system/cgfence.service
for r in containerd docker podman crio; do
	check "cgfence holds the $r.service drop-in (apply --verify first)" \
		has "$tool_files" "/lib/systemd/system/$r.service.d/cgfence.conf"
done
check "cgfence's postinst enables cgfence.service" \
	grep -q 'deb-systemd-helper enable .*cgfence.service' <<<"$postinst"
check "cgfence's postinst never restarts cgfence.service (an upgrade leaves it as it is)" \
	bash -c '! grep -qE "deb-systemd-invoke (try-)?restart" <<<"$1"' _ "$postinst"
check "cgfence's prerm stops cgfence.service on remove only, not on upgrade" \
	bash -c '! grep -q "deb-systemd-invoke stop" <<<"$1" ||
		grep -B3 "deb-systemd-invoke stop" <<<"$1" | grep -q "\"\$1\" = remove"' _ "$prerm"

# --- cgfence-dkms: the module's source, exactly ---
src=/usr/src/cgfence-$ver
dkms_files=$(contents "$dkms_deb" 2>/dev/null)
want=$( (cd "$top" && printf '%s\n' Kbuild module/*.c module/*.h module/uapi/*.h) |
	sed "s|^|$src/|"; echo "$src/dkms.conf")
got=$(grep -v '^/usr/share/doc/cgfence-dkms/' <<<"$dkms_files")
check "cgfence-dkms holds $src/dkms.conf" has "$dkms_files" "$src/dkms.conf"
check "cgfence-dkms holds $src/Kbuild" has "$dkms_files" "$src/Kbuild"
check "cgfence-dkms holds $src/module/uapi/cgfence.h" has "$dkms_files" "$src/module/uapi/cgfence.h"
check "cgfence-dkms holds exactly Kbuild, module/*.[ch], module/uapi/*.h and dkms.conf" \
	[ "$(sort <<<"$want")" = "$got" ]
[ "$(sort <<<"$want")" = "$got" ] || diag "$(diff <(sort <<<"$want") <(echo "$got"))"
check "cgfence-dkms depends on dkms" grep -qE '(^|, )dkms( |,|$)' <<<"$(field "$dkms_deb" Depends 2>/dev/null)"
check "cgfence-dkms's postinst runs dkms's common.postinst for cgfence $ver" \
	bash -c 'p=$(dpkg-deb --ctrl-tarfile "$1" | tar -xO ./postinst) &&
		grep -qx "DKMS_NAME=cgfence" <<<"$p" && grep -qx "DKMS_VERSION=$2" <<<"$p" &&
		grep -q common.postinst <<<"$p"' _ "$dkms_deb" "$ver"

rm -rf "$work/dkms-root"
dpkg-deb -x "$dkms_deb" "$work/dkms-root" 2>/dev/null
conf=$work/dkms-root$src/dkms.conf
check "dkms.conf names PACKAGE_VERSION=\"$ver\"" grep -qx "PACKAGE_VERSION=\"$ver\"" "$conf"
check "dkms.conf has no placeholder left" bash -c '! grep -q "#MODULE_" "$1"' _ "$conf"

# --- DKMS: add, build and install for each kernel of tests/deps.sh, in private trees ---
host_state() {
	ls -laR --time-style=full-iso /var/lib/dkms 2>&1
	ls -la --time-style=full-iso /lib/modules /lib/modules/* 2>&1
}
before=$(host_state)

# dkms_in KVER KDIR ARGS...: dkms with this suite's trees, /var/lib/dkms and /lib/modules
# replaced by private directories; /lib/modules/KVER/build points at the headers, as the
# headers package makes it on a real host (dkms finds sign-file there).
dkms_in() {
	local kver=$1 kdir=$2
	shift 2
	mkdir -p "$work/var-lib-dkms" "$work/lib-modules/$kver" "$work/dkms-tree" \
		"$work/install-tree/$kver"
	ln -sfn "$kdir" "$work/lib-modules/$kver/build"
	unshare -m --propagation private bash -c '
		set -e
		mount --bind "$1" /var/lib/dkms
		mount --bind "$2" /lib/modules
		shift 2
		exec dkms "$@"' _ "$work/var-lib-dkms" "$work/lib-modules" "$@" \
		--dkmstree "$work/dkms-tree" --sourcetree "$work/dkms-root/usr/src" \
		--installtree "$work/install-tree"
}

check "/var/lib/dkms exists (the dkms package made it; this suite hides it)" [ -d /var/lib/dkms ]

for name in 6.1 6.12; do
	env=$build/kernels/$name.env
	if [ ! -f "$env" ]; then
		result 1 "dkms $name: build/kernels/$name.env exists (run: make deps)"
		continue
	fi
	# shellcheck source=/dev/null # tests/deps.sh writes it
	KVER=$(. "$env" && echo "$KVER")
	# shellcheck source=/dev/null

	KDIR=$(. "$env" && echo "$KDIR")
	if [ ! -d "$work/dkms-tree/cgfence/$ver" ]; then
		out=$(dkms_in "$KVER" "$KDIR" add -m cgfence -v "$ver" 2>&1)
		rc=$?
		result $rc "dkms add cgfence/$ver"
		[ $rc -eq 0 ] || diag "$out"
	fi
	start=$(date +%s)
	out=$(dkms_in "$KVER" "$KDIR" build -m cgfence -v "$ver" -k "$KVER" \
		--kernelsourcedir "$KDIR" 2>&1)
	rc=$?
	result $rc "dkms build cgfence/$ver -k $KVER ($(($(date +%s) - start)) s)"
	if [ $rc -ne 0 ]; then
		diag "$out"
		log=$(ls "$work"/dkms-tree/cgfence/"$ver"/build/make.log 2>/dev/null)
		[ -n "$log" ] && diag "$(tail -n 30 "$log")"
	fi
	out=$(dkms_in "$KVER" "$KDIR" install -m cgfence -v "$ver" -k "$KVER" \
		--kernelsourcedir "$KDIR" --no-depmod 2>&1)
	rc=$?
	result $rc "dkms install cgfence/$ver -k $KVER (private install tree, no depmod)"
	[ $rc -eq 0 ] || diag "$out"

	ko=$work/install-tree/$KVER/updates/dkms/cgfence.ko
	check "dkms $name: $KVER/updates/dkms/cgfence.ko is installed" [ -f "$ko" ]
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null)
	check "dkms $name: vermagic is '$KVER ...' (got '${vermagic:-none}')" \
		[ "${vermagic%% *}" = "$KVER" ]
	mver=$(modinfo -F version "$ko" 2>/dev/null)
	check "dkms $name: the module's version is $ver (got '${mver:-none}')" [ "$mver" = "$ver" ]
	# dkms signs with the MOK key it made (here in the private /var/lib/dkms), as on a host.
	cn=$(openssl x509 -inform DER -in "$work/var-lib-dkms/mok.pub" -noout -subject \
		-nameopt multiline 2>/dev/null | sed -n 's/^ *commonName *= *//p')
	signer=$(modinfo -F signer "$ko" 2>/dev/null)
	[ -n "$cn" ] && [ "$signer" = "$cn" ]
	result $? "dkms $name: the module is signed by dkms's MOK key '${cn:-none}' (got '${signer:-none}')"
done

after=$(host_state)
check "the host's /var/lib/dkms and /lib/modules are unchanged" [ "$before" = "$after" ]
[ "$before" = "$after" ] || diag "$(diff <(echo "$before") <(echo "$after") | head -n 20)"

finished=1
