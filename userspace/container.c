// SPDX-License-Identifier: GPL-2.0
/* Which container a cgroup path belongs to, from the names container runtimes give cgroups. */
#include <string.h>

#include "container.h"

#define HEX_ID_LEN	64

static bool is_hex_id(const char *s, size_t n)
{
	size_t i;

	if (n != HEX_ID_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool cgf_container_is_id_prefix(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > HEX_ID_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* @name (@n bytes) is PREFIX + ID + SUFFIX with ID a hex id: copies ID into @c. */
static bool hex_named(const char *name, size_t n, const char *prefix, const char *suffix,
		      const char *runtime, struct cgf_container *c)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (n != p + HEX_ID_LEN + s || strncmp(name, prefix, p) ||
	    strncmp(name + n - s, suffix, s) || !is_hex_id(name + p, HEX_ID_LEN))
		return false;
	memcpy(c->id, name + p, HEX_ID_LEN);
	c->id[HEX_ID_LEN] = '\0';
	c->runtime = runtime;
	return true;
}

static bool text_named(const char *name, size_t n, const char *prefix, const char *suffix,
		       struct cgf_container *c)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (n <= p + s || n - p - s >= CGF_CONTAINER_ID_MAX || strncmp(name, prefix, p) ||
	    strncmp(name + n - s, suffix, s))
		return false;
	memcpy(c->id, name + p, n - p - s);
	c->id[n - p - s] = '\0';
	c->runtime = "nspawn";
	return true;
}

/* One component @name (@n bytes) whose parent component is @parent (@pn bytes). */
static bool named(const char *parent, size_t pn, const char *name, size_t n,
		  struct cgf_container *c)
{
	return hex_named(name, n, "docker-", ".scope", "docker", c) ||
	       (pn == 6 && !strncmp(parent, "docker", 6) &&
		hex_named(name, n, "", "", "docker", c)) ||
	       hex_named(name, n, "libpod-", ".scope", "podman", c) ||
	       hex_named(name, n, "libpod-", "", "podman", c) ||
	       hex_named(name, n, "cri-containerd-", ".scope", "containerd", c) ||
	       hex_named(name, n, "crio-", ".scope", "cri-o", c) ||
	       text_named(name, n, "systemd-nspawn@", ".service", c) ||
	       text_named(name, n, "machine-", ".scope", c);
}

bool cgf_container_of(const char *path, struct cgf_container *c)
{
	const char *end = path + strlen(path), *name, *parent;
	size_t n, pn;

	memset(c, 0, sizeof(*c));
	while (end > path) {
		while (end > path && end[-1] == '/')
			end--;
		name = end;
		while (name > path && name[-1] != '/')
			name--;
		n = end - name;
		if (!n)
			break;
		parent = name;
		while (parent > path && parent[-1] == '/')
			parent--;
		end = parent;
		while (parent > path && parent[-1] != '/')
			parent--;
		pn = end - parent;
		if (named(parent, pn, name, n, c))
			return true;
	}
	memset(c, 0, sizeof(*c));
	return false;
}
