/* SPDX-License-Identifier: GPL-2.0 */
/* Which container a cgroup path belongs to, from the names container runtimes give cgroups. */
#ifndef CGF_CONTAINER_H
#define CGF_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

/* A full OCI container id is 64 hex digits; an nspawn machine name is at most 64 bytes. */
#define CGF_CONTAINER_ID_MAX	65
/* What the text output shows of a hex id, as docker ps and podman ps do. */
#define CGF_CONTAINER_SHORT_ID	12

struct cgf_container {
	const char *runtime;	/* "docker", "podman", "containerd", "cri-o", "nspawn" */
	char id[CGF_CONTAINER_ID_MAX];
};

/*
 * The container the cgroup @path is in: the innermost component that a runtime names,
 * so a container's own sub-cgroups belong to it. Returns true with @c filled, false for
 * a cgroup no runtime named (then @c is empty).
 *   docker:     docker-ID.scope (systemd driver), docker/ID (cgroupfs)
 *   podman:     libpod-ID.scope, libpod-ID (cgroupfs); not libpod-conmon-ID.scope
 *   containerd: cri-containerd-ID.scope
 *   cri-o:      crio-ID.scope; not crio-conmon-ID.scope
 *   nspawn:     systemd-nspawn@NAME.service, machine-NAME.scope (NAME as systemd escaped it)
 * ID is 64 lower-case hex digits.
 */
bool cgf_container_of(const char *path, struct cgf_container *c);

/* Whether @s could be (a prefix of) a hex container id: 1 to 64 lower-case hex digits. */
bool cgf_container_is_id_prefix(const char *s);

#endif
