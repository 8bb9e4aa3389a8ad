#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds Debian's 6.1 source with KASAN, lockdep, PROVE_RCU, kmemleak and fault injection, cached in build/debug-kernel.
#
# Usage: tests/stress/debug-kernel.sh
# Starts from Debian's own configuration (build/kernel/<6.1>/boot/config-*), keeps as modules only
# those the e2e tests load (localmodconfig), turns on the checks in tests/stress/debug.config and
# builds bzImage and modules in build/debug-kernel/obj. Rebuilt only when the source tarball,
# Debian's configuration, debug.config or this script change (a stamp holds their hashes).
# Writes build/debug-kernel/debug.env (KNAME, KVER, KDIR, VMLINUZ, MODDIR), read like the
# files of build/kernels/ by the e2e harness.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$top/tests/stress
work=$top/build/debug-kernel
tarball=${CGF_DEBUG_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
src=$work/src
obj=$work/obj
modroot=$work/modroot

die() {
	echo "debug-kernel: $*" >&2
	exit 1
}

[ -r "$tarball" ] || die "$tarball is missing (Debian package linux-source-6.1: make deps)"
# shellcheck disable=SC1091
. "$top/build/kernels/6.1.env" 2> /dev/null || die "build/kernels/6.1.env is missing (run: make deps)"
base_config=$top/build/kernel/${KVER:?}/boot/config-$KVER
[ -r "$base_config" ] || die "Debian's configuration for $KVER is missing (run: make deps)"

# The modules the e2e image carries (tests/e2e/lib.sh, e2e_build); every other one is left out.
lsmod_list=$work/lsmod
mkdir -p "$work"
printf '%s 0 0\n' Module loop minix overlay crc16 crc32c_generic mbcache jbd2 ext4 > "$lsmod_list"

want=$(stat -c '%s %Y' "$tarball")
want="$want $(sha256sum "$base_config" "$here/debug.config" "${BASH_SOURCE[0]}" | cut -c1-64 | tr '\n' ' ')"
if [ -f "$work/stamp" ] && [ "$(cat "$work/stamp")" = "$want" ] && [ -f "$work/debug.env" ]; then
	echo "debug-kernel: up to date ($(sed -n 's/^KVER=//p' "$work/debug.env"))"
	exit 0
fi
rm -f "$work/stamp" "$work/debug.env"

if [ ! -e "$src/.unpacked" ]; then
	echo "debug-kernel: unpacking $tarball"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$tarball" -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
	touch "$src/.unpacked"
fi

mkdir -p "$obj"
cp "$base_config" "$obj/.config"
# Debian signs with keys that are not in the source package. This kernel trusts a key of its
# own instead (debug.config: MODULE_SIG_ALL with the key the build generates), so its modules
# load as signed ones do on the stock kernel, without asking lockdown.
"$src/scripts/config" --file "$obj/.config" \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	--set-str LOCALVERSION "-cgfence-debug"
make -s -C "$src" O="$obj" olddefconfig
# localmodconfig asks about nothing after olddefconfig; the empty answers are a safeguard.
{ yes '' || true; } | make -s -C "$src" O="$obj" LSMOD="$lsmod_list" localmodconfig > /dev/null
# The checks, applied last and then verified: a kernel that silently lost one would pass
# every run without checking anything.
while IFS= read -r line; do
	case $line in
	'#'* | '') continue ;;
	*=n) "$src/scripts/config" --file "$obj/.config" --disable "${line%%=*}" ;;
	*=y) "$src/scripts/config" --file "$obj/.config" --enable "${line%%=*}" ;;
	*) "$src/scripts/config" --file "$obj/.config" --set-val "${line%%=*}" "${line#*=}" ;;
	esac
done < <(sed 's/^CONFIG_//' "$here/debug.config")
make -s -C "$src" O="$obj" olddefconfig
missing=
while IFS= read -r line; do
	case $line in
	'#'* | '') continue ;;
	*=n) ! grep -q "^${line%%=*}=[ym]$" "$obj/.config" || missing="$missing $line" ;;
	*) grep -qx "$line" "$obj/.config" || missing="$missing $line" ;;
	esac
done < "$here/debug.config"
[ -z "$missing" ] || die "the configuration lost:$missing"

echo "debug-kernel: building in $obj ($(nproc) jobs; about 40 minutes on 2 cores)"
make -s -C "$src" O="$obj" -j"$(nproc)" bzImage modules
rm -rf "$modroot"
make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$modroot" INSTALL_MOD_STRIP=1 modules_install
kver=$(cat "$obj/include/config/kernel.release")
cat > "$work/debug.env" <<EOF
KNAME=debug
KVER=$kver
KDIR=$obj
VMLINUZ=$obj/arch/x86/boot/bzImage
MODDIR=$modroot/lib/modules/$kver
EOF
echo "$want" > "$work/stamp"
echo "debug-kernel: built $kver"
