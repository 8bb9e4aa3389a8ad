// SPDX-License-Identifier: GPL-2.0
/* Unit tests of container identity: which runtime named a cgroup, and the container's id. */

#include <string.h>

#include "container.h"
#include "tap.h"

#define ID "3d5327d3e8161cdea217025b22f696ed6933f7d6964ff1c3219826962a979ae6"

static void test_named(void)
{
	static const struct {
		const char *path, *runtime, *id;
	} cases[] = {
		{ "/system.slice/docker-" ID ".scope", "docker", ID },
		{ "/docker/" ID, "docker", ID },
		{ "/machine.slice/libpod-" ID ".scope", "podman", ID },
		{ "/machine.slice/libpod-" ID ".scope/container", "podman", ID },
		{ "/libpod_parent/libpod-" ID, "podman", ID },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-" ID ".scope",
		  "containerd", ID },
		{ "/kubepods.slice/kubepods-pod2.slice/crio-" ID ".scope", "cri-o", ID },
		{ "/machine.slice/systemd-nspawn@web.service", "nspawn", "web" },
		{ "/machine.slice/systemd-nspawn@web.service/payload", "nspawn", "web" },
		{ "/machine.slice/machine-db\\x2d1.scope", "nspawn", "db\\x2d1" },
		{ "/system.slice/docker-" ID ".scope/", "docker", ID },
	};
	struct cgf_container c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tap_ok(cgf_container_of(cases[i].path, &c) && c.runtime &&
		       !strcmp(c.runtime, cases[i].runtime) && !strcmp(c.id, cases[i].id),
		       "named: %s is %s %s", cases[i].path, cases[i].runtime, cases[i].id);
	}
}

static void test_not_named(void)
{
	static const char *const paths[] = {
		"/", "", "/web", "/system.slice/docker.service",
		"/machine.slice/libpod-conmon-" ID ".scope",
		"/kubepods.slice/crio-conmon-" ID ".scope",
		"/system.slice/docker-" ID "0.scope",			/* 65 digits */
		"/system.slice/docker-3D5327D3E8161CDEA217025B22F696ED6933F7D6964FF1C3219826962A979AE6.scope",
		"/other/" ID,						/* a bare id: Docker's only */
		"/machine.slice/systemd-nspawn@.service",
	};
	struct cgf_container c;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		tap_ok(!cgf_container_of(paths[i], &c) && !c.runtime && !c.id[0],
		       "not named: '%s'", paths[i]);
}

static void test_prefix(void)
{
	tap_ok(cgf_container_is_id_prefix("3d53") && cgf_container_is_id_prefix(ID),
	       "prefix: hex digits, up to the whole id");
	tap_ok(!cgf_container_is_id_prefix("") && !cgf_container_is_id_prefix("web") &&
	       !cgf_container_is_id_prefix("3D53") && !cgf_container_is_id_prefix(ID "0"),
	       "prefix: not empty, not a name, not upper case, not longer than an id");
}

int main(void)
{
	tap_plan(11 + 10 + 2);
	test_named();
	test_not_named();
	test_prefix();
	return tap_done();
}
