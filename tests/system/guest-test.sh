#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# System test bed, in the booted Debian image: the packages' boot policy, podman and Docker containers confined.
set -u
exec 3> /dev/ttyS1
n=0
failed=0
plan=33
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

probe=/usr/local/lib/cgfence-systest/oci_probe
# in_boot_cgroup CMD...: CMD in the cgroup the boot policy confines (moved there now, after boot).
in_boot_cgroup() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > /sys/fs/cgroup/boot-confined/cgroup.procs && exec "$@"' sh "$@"
}

# The packages' cgfence.service loaded the module (DKMS built it) and /etc/cgfence at boot.
state=$(systemctl is-active cgfence.service)
result "cgfence.service is active after boot" "$([ "$state" = active ]; echo $?)" \
	"is-active: $state" "$(journalctl -b -u cgfence.service --no-pager | tail -n 5)"
expect_out "the boot policy is in force (apply --verify)" \
	"the policy of /etc/cgfence/cgfence.conf is in force" cgfence apply --verify
list=$(cgfence list 2>&1)
echo "$list" | grep -q '^docker-default ' && echo "$list" | grep -q '^restricted ' &&
	echo "$list" | grep -q '/boot-confined .*restricted'
result "the shipped profiles are loaded and /boot-confined is attached to restricted" $? "$list"
expect_out "a process put in the attached cgroup after boot is confined" \
	"boot: kcore=EACCES hostname=0" in_boot_cgroup "$probe" boot
expect_out "the same program outside it is not (control)" "boot: kcore=0 hostname=0" "$probe" boot

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
# The denial names the container as docker ps does; --container takes that short id.
id=$(docker inspect -f '{{.Id}}' d1 2> /dev/null)
short=$(printf '%s' "$id" | cut -c1-12)
out=$(cgfence denials --container "$short" 2>&1)
printf '%s\n' "$out" | grep -q " container=docker:$short profile=docker-default .*object=/proc/kcore " &&
	[ -z "$(printf '%s\n' "$out" | grep 'seq=' | grep -v " container=docker:$short ")" ]
result "denials --container SHORT-ID: that container's records, named docker:SHORT-ID" $? "$out"
cgfence denials --json --container "$short" 2>&1 |
	grep -q "\"container\":{\"runtime\":\"docker\",\"id\":\"$id\"}"
result "denials --json: the container's runtime and full id" $? "id $id"
docker rm -f d1 > /dev/null 2>&1

# Positive control: plain runc, no hook; the runtime masks /proc/kcore with /dev/null.
expect_out "docker with plain runc: not confined (control)" "exec: kcore=0 hostname=0" \
	docker run --rm --network none --security-opt apparmor=unconfined --runtime=runc probe /probe exec

# Stopping the unit removes nothing, as apparmor.service leaves its profiles.
systemctl stop cgfence.service
expect_out "systemctl stop cgfence: the attached cgroup is still confined" \
	"stop: kcore=EACCES hostname=0" in_boot_cgroup "$probe" stop

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

# The unit brings it all back; then a broken /etc/cgfence keeps the runtimes from starting.
systemctl start cgfence.service
result "systemctl start cgfence: modprobe and apply again" $? \
	"$(journalctl -b -u cgfence.service --no-pager | tail -n 5)"
cp /etc/cgfence/cgfence.conf /tmp/cgfence.conf.good
sed -i 's/^lock = no$/lock = perhaps/' /etc/cgfence/cgfence.conf
expect_refused "a broken /etc/cgfence: systemctl reload cgfence fails" "cgfence.service" \
	systemctl reload cgfence.service
journalctl -b -u cgfence.service --no-pager | grep -q 'cgfence.conf:4:8: lock is yes or no'
result "... and the journal names the file, line and column" $? \
	"$(journalctl -b -u cgfence.service --no-pager | tail -n 5)"
systemctl restart docker.service 2> /tmp/err
rc=$?
state=$(systemctl is-active docker.service)
[ "$rc" -ne 0 ] && [ "$state" != active ]
result "a broken /etc/cgfence: docker does not start (apply --verify in its drop-in)" $? \
	"restart exit $rc, is-active $state" "$(journalctl -b -u docker.service --no-pager | tail -n 3)"

# Locked by reload, as a host's lock = yes does at boot: new containers are still confined.
sed 's/^lock = no$/lock = yes/' /tmp/cgfence.conf.good > /etc/cgfence/cgfence.conf
systemctl reload cgfence.service && cgfence status --json | grep -q '"locked":true'
result "lock = yes: systemctl reload cgfence locks the policy" $? "$(cgfence status 2>&1)"
systemctl reset-failed docker.service docker.socket > /dev/null 2>&1
systemctl start docker.service
result "the policy in force again: docker starts" $? \
	"$(journalctl -b -u docker.service --no-pager | tail -n 3)"
expect_out "locked: a container started after the lock is confined" "$confined" \
	docker run --rm --network none --security-opt apparmor=unconfined --runtime=cgfence probe /probe exec
expect_refused "locked: rmmod cgfence is refused (kmod sees the lock's reference)" "Module cgfence is in use" rmmod cgfence
expect_refused "locked: detaching the boot cgroup is refused" "locked until reboot" \
	cgfence detach /sys/fs/cgroup/boot-confined
systemctl stop cgfence.service
expect_out "locked, unit stopped: the attached cgroup is still confined" \
	"locked: kcore=EACCES hostname=0" in_boot_cgroup "$probe" locked

[ "$n" -eq "$plan" ] || echo "# planned $plan, ran $n" >&3
echo "# system-test-done failed=$failed" >&3
systemctl poweroff
