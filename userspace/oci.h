/* SPDX-License-Identifier: GPL-2.0 */
/* OCI runtimes: the container state a hook reads, /etc/cgfence/oci.conf, the hook entry. */
#ifndef CGF_OCI_H
#define CGF_OCI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgfence.h"

#define CGF_OCI_CONF			"/etc/cgfence/oci.conf"
#define CGF_OCI_ANNOTATION		"org.cgfence.profile"
/* The profile word that asks for no attachment, where oci.conf allows it. */
#define CGF_OCI_UNCONFINED		"unconfined"
/* Larger state or config.json is refused: real ones are a few KiB. */
#define CGF_OCI_MAX_INPUT		(1024 * 1024)
/* Room for one message line, which may quote a path. */
#define CGF_OCI_ERR_MAX			(PATH_MAX + 512)

/* What a hook needs of the state the runtime writes on its standard input. */
struct cgf_oci_state {
	char id[256];			/* the container's id, "" if the state has none */
	pid_t pid;			/* its init, in the runtime's pid namespace */
	char profile[CGFENCE_MAX_NAME];	/* the annotation, "" if absent */
};

/* Returns 0, or -EINVAL with the reason (and where) in @err. */
int cgf_oci_state_parse(const char *text, size_t len, struct cgf_oci_state *st, char *err,
			size_t errlen);

struct cgf_oci_conf {
	char default_profile[CGFENCE_MAX_NAME];	/* "" when none is set */
	bool allow_unconfined;
};

/*
 * Parses oci.conf text (@path only names it in messages): "key = value" lines, '#'
 * comments, keys default_profile and allow_unconfined (yes|no). Returns 0, or -EINVAL
 * with "PATH:LINE:COL: reason" in @err.
 */
int cgf_oci_conf_parse(const char *path, const char *text, struct cgf_oci_conf *conf,
		       char *err, size_t errlen);

/*
 * The profile for the container: the annotation, else the default. Returns 1 with
 * @out filled, 0 when the container is to run unconfined (asked for and allowed), or
 * -EPERM / -EINVAL with the reason in @err.
 */
int cgf_oci_choose(const struct cgf_oci_state *st, const struct cgf_oci_conf *conf,
		   char *out, size_t outlen, char *err, size_t errlen);

/*
 * config.json @text with a createRuntime hook running "@hook_path oci-hook" added (a
 * malloc'ed copy in *@out): idempotent, an entry with that path and oci-hook is kept
 * as it is. Returns 0, -EINVAL (with @err) or -ENOMEM.
 */
int cgf_oci_add_hook(const char *text, size_t len, const char *hook_path, char **out,
		     char *err, size_t errlen);

/*
 * config.json @text with annotation @key set to @value (replacing what it held), in a
 * malloc'ed *@out. Returns 0, -EINVAL (with @err) or -ENOMEM.
 */
int cgf_oci_set_annotation(const char *text, size_t len, const char *key, const char *value,
			   char **out, char *err, size_t errlen);

/* Where the tool is installed: what the hooks.d entry and the Docker wrapper run. */
#define CGF_OCI_HOOK_PATH		"/usr/sbin/cgfence"

#endif /* CGF_OCI_H */
