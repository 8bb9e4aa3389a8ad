/* SPDX-License-Identifier: GPL-2.0 */
/* The host's boot policy, /etc/cgfence/cgfence.conf: which files to load, what to attach, lock. */
#ifndef CGF_BOOT_CONF_H
#define CGF_BOOT_CONF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cgfence.h"

#define CGF_BOOT_CONF		"/etc/cgfence/cgfence.conf"
#define CGF_BOOT_ERR_MAX	(PATH_MAX + 256)

/* Where an entry was written, for "file:line:col" reports. */
struct cgf_boot_site {
	unsigned int line;
	unsigned int col;	/* of the value */
};

struct cgf_boot_load {
	char *pattern;		/* a path or a glob(7) pattern, as written */
	struct cgf_boot_site site;
};

struct cgf_boot_attach {
	char profile[CGFENCE_MAX_NAME];
	char *cgroup;		/* as written: under the cgroup2 mount, or relative to it */
	bool on_exec;
	struct cgf_boot_site site;
};

struct cgf_boot_conf {
	struct cgf_boot_load *loads;
	size_t nr_loads;
	struct cgf_boot_attach *attachments;
	size_t nr_attachments;
	bool lock;
};

/*
 * Parses the text of @path. Returns 0, -ENOMEM, or -EINVAL with "path:line:col: why" in
 * @err; @conf is empty (free it either way) after a failure.
 */
int cgf_boot_conf_parse(const char *path, const char *text, struct cgf_boot_conf *conf,
			char *err, size_t len);
void cgf_boot_conf_free(struct cgf_boot_conf *conf);

/* Whether a load entry is a glob(7) pattern (matching nothing is fine) or a file that must be. */
bool cgf_boot_is_pattern(const char *s);

#endif
