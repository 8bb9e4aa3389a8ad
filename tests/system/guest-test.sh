#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# System test bed, in the booted Debian image: podman (hooks.d) and Docker (cgfence-runc) containers confined.
set -u
exec 3> /dev/ttyS1
n=0
failed=0
plan=17
echo "1..$plan" >&3

result() { # DESC STATUS [DIAG...]
	n=$((n + 1))
	desc=$1
	status=$2
	shift 2
	if [ "$status" -eq 0 ]; then
		echo "ok $n - $desc" >&3
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc" >&3
	fi
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/# /' >&3
	done
}

# expect_out DESC WANT CMD...: CMD exits 0 and prints WANT as its last line.
expect_out() {
	desc=$1
	want=$2
	shift 2
	out=$("$@" 2> /tmp/err)
	rc=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	[ "$rc" -eq 0 ] && [ "$last" = "$want" ]
	result "$desc" $? "exit $rc, said: $out" "stderr: $(tail -n 3 /tmp/err)"
}

# expect_refused DESC WHY CMD...: CMD fails and its stderr holds WHY.
expect_refused() {
	desc=$1
	why=$2
	shift 2
	out=$("$@" 2> /tmp/err)
	rc=$?
	[ "$rc" -ne 0 ] && grep -q "$why" /tmp/err && [ -z "$out" ]
	result "$desc" $? "exit $rc, said: $out" "stderr: $(tail -n 3 /tmp/err)"
}

echo "# kernel $(uname -r); $(podman --version); $(docker --version)" >&3

modprobe cgfence
result "modprobe cgfence (the module installed in the image)" $? "$(dmesg | grep cgfence | tail -n 2)"
cgfence load /usr/share/cgfence/policy/docker-default.cgf /usr/share/cgfence/policy/baseline.cgf \
	/usr/share/cgfence/policy/restricted.cgf > /dev/null
result "load the shipped profiles" $?

# One image for both engines, made here: the probe and a hostname, no network needed.
mkdir -p /tmp/img/etc /tmp/img/proc /tmp/img/dev /tmp/img/sys
cp /usr/local/lib/cgfence-systest/oci_probe /tmp/img/probe
echo probe > /tmp/img/etc/hostname
tar -C /tmp/img -cf /tmp/img.tar .
podman import -q /tmp/img.tar localhost/probe > /dev/null 2> /tmp/import.err &&
	docker import /tmp/img.tar probe > /dev/null 2>> /tmp/import.err
result "import the probe image into podman and Docker" $? "$(tail -n 5 /tmp/import.err)"

# AppArmor's own container profiles refuse /proc/kcore too: without them, a refusal can
# only be cgfence's (the control below shows the read succeeds then).
confined="exec: kcore=EACCES hostname=0"
expect_out "podman, annotation docker-default: the entrypoint's first read is EACCES" "$confined" \
	podman run --rm --network none --security-opt apparmor=unconfined --annotation org.cgfence.profile=docker-default \
	localhost/probe /probe exec
expect_out "podman, no annotation: oci.conf's default_profile confines it" "$confined" \
	podman run --rm --network none --security-opt apparmor=unconfined localhost/probe /probe exec
# podman runs crun, which reports a hook's exit status, not its message.
expect_refused "podman, unconfined not allowed: the container does not start" \
	"error executing hook \`/usr/sbin/cgfence\` (exit code: 1)" \
	podman run --rm --network none --security-opt apparmor=unconfined --annotation org.cgfence.profile=unconfined \
	localhost/probe /probe exec
expect_out "docker --runtime=cgfence: the entrypoint's first read is EACCES" "$confined" \
	docker run --rm --network none --security-opt apparmor=unconfined --runtime=cgfence probe /probe exec
expect_out "docker --runtime=cgfence-restricted: EACCES" "$confined" \
	docker run --rm --network none --security-opt apparmor=unconfined --runtime=cgfence-restricted probe /probe exec
expect_refused "docker, a profile that is not loaded: the container does not start" \
	"no profile by that name is loaded" \
	docker run --rm --network none --security-opt apparmor=unconfined \
	--runtime=cgfence-missing probe /probe exec
expect_refused "podman, a profile that is not loaded: the container does not start" \
	"error executing hook \`/usr/sbin/cgfence\` (exit code: 1)" \
	podman run --rm --network none --security-opt apparmor=unconfined \
	--annotation org.cgfence.profile=nosuchprofile localhost/probe /probe exec

# exec into a running container: confined from the exec'd program's first read.
podman run -d --name p1 --network none --security-opt apparmor=unconfined \
	localhost/probe /probe > /dev/null 2> /tmp/err
result "podman run -d: the container runs" $? "$(tail -n 3 /tmp/err)"
expect_out "podman exec into it is confined" "$confined" podman exec p1 /probe exec
podman rm -f p1 > /dev/null 2>&1
docker run -d --name d1 --network none --security-opt apparmor=unconfined --runtime=cgfence \
	probe /probe > /dev/null 2> /tmp/err
result "docker run -d --runtime=cgfence: the container runs" $? "$(tail -n 3 /tmp/err)"
expect_out "docker exec into it is confined" "$confined" docker exec d1 /probe exec
docker rm -f d1 > /dev/null 2>&1

# Positive control: plain runc, no hook; the runtime masks /proc/kcore with /dev/null.
expect_out "docker with plain runc: not confined (control)" "exec: kcore=0 hostname=0" \
	docker run --rm --network none --security-opt apparmor=unconfined --runtime=runc probe /probe exec

cgfence unload --force restricted > /dev/null
cgfence unload --force baseline > /dev/null
cgfence unload --force docker-default > /dev/null
rmmod cgfence
expect_refused "podman, module not loaded: the container does not start" \
	"error executing hook \`/usr/sbin/cgfence\` (exit code: 3)" \
	podman run --rm --network none --security-opt apparmor=unconfined localhost/probe /probe exec
expect_refused "docker --runtime=cgfence, module not loaded: the container does not start" \
	"exit status 3" \
	docker run --rm --network none --security-opt apparmor=unconfined --runtime=cgfence probe /probe exec

[ "$n" -eq "$plan" ] || echo "# planned $plan, ran $n" >&3
echo "# system-test-done failed=$failed" >&3
systemctl poweroff
