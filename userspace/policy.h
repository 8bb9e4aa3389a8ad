/* SPDX-License-Identifier: GPL-2.0 */
/* The cgfence policy language: parse policy files into the rule lists the module loads. */
#ifndef CGF_POLICY_H
#define CGF_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cgfence.h"

/* Where included files are looked for after the including file's own directory. */
#define CGF_POLICY_PATH_ENV	"CGFENCE_POLICY_PATH"
#define CGF_POLICY_SYSTEM_DIR	"/usr/share/cgfence/policy"
#define CGF_POLICY_SUFFIX	".cgf"

/* Room for any message the parser writes; a shorter buffer gets a truncated one. */
#define CGF_POLICY_ERR_MAX	1024

/*
 * One compiled rule: a struct cgf_rule of the engine, field for field, plus where it was
 * written. Only the fields of its kind are meaningful; the others are zero or NULL.
 * Strings belong to the policy the rule came from.
 */
struct cgf_policy_rule {
	uint32_t id;			/* 1..N in profile order, after include expansion */
	uint8_t kind;			/* enum cgfence_rule_kind */
	uint8_t effect;			/* enum cgfence_effect */

	uint32_t file_perms;		/* CGFENCE_FILE_* */
	const char *path;		/* pattern */

	uint32_t mount_ops;		/* CGFENCE_MOUNT_* */
	uint32_t mount_require;		/* CGFENCE_MOPT_* that must be set */
	uint32_t mount_forbid;		/* CGFENCE_MOPT_* that must be clear */
	const char *fstype;		/* NULL: any */
	const char *source;		/* path pattern or name pattern, NULL: any */
	const char *target;		/* path pattern, NULL: any */

	uint8_t dev_type;		/* CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK */
	uint8_t dev_access;		/* CGFENCE_DEV_READ | WRITE | MKNOD */
	uint32_t dev_major;		/* or CGFENCE_DEV_ANY */
	uint32_t dev_minor;		/* or CGFENCE_DEV_ANY */

	uint32_t kernel_ops;		/* CGFENCE_KERNEL_* */

	const char *src_file;		/* as the parser named it in messages */
	int src_line;			/* 1-based */
	int src_col;			/* 1-based, in bytes */
};

struct cgf_policy_profile {
	char name[CGFENCE_MAX_NAME];
	uint8_t mode;			/* enum cgfence_mode */
	uint8_t file_default;		/* enum cgfence_effect */
	struct cgf_policy_rule *rules;
	size_t nr_rules;
	size_t nr_file, nr_mount, nr_device, nr_kernel;
	const char *src_file;
	int src_line, src_col;		/* of the "profile" keyword */
};

struct cgf_arena;

/* The profiles one file defines, in file order; included files add rules, not profiles. */
struct cgf_policy {
	struct cgf_policy_profile *profiles;
	size_t nr_profiles;
	struct cgf_arena *arena;	/* owns the profiles, rules and strings */
};

/*
 * Parse @path and every file it includes. On success returns 0 and fills @out, which the
 * caller releases with cgf_policy_free(). On the first error returns a negative errno
 * (-EINVAL for anything wrong in the text, the read error for an unreadable @path),
 * leaves @out empty and writes one line to @err:
 *	FILE:LINE:COL: error: WHAT [(included from FILE:LINE:COL, ...)]
 * or, for a file that cannot be read, "FILE: error: cannot read: STRERROR".
 */
int cgf_policy_parse_file(const char *path, struct cgf_policy *out, char *err, size_t err_len);

/*
 * The same for text already in memory. @display_name names it in messages and rule
 * origins. Includes are looked up in @include_dir first (NULL: skip that step).
 */
int cgf_policy_parse_string(const char *display_name, const char *text, const char *include_dir,
			    struct cgf_policy *out, char *err, size_t err_len);

/* As cgf_policy_parse_string(), for text that may hold NUL bytes (which are an error). */
int cgf_policy_parse_buffer(const char *display_name, const char *text, size_t len,
			    const char *include_dir, struct cgf_policy *out,
			    char *err, size_t err_len);

void cgf_policy_free(struct cgf_policy *policy);

/*
 * Writes @rule as policy text, as it would stand inside its section and without the
 * indentation ("allow rw /etc/passwd;"). Parsing the text back gives the same rule. Returns
 * the length of the full text, like snprintf(); @buf always ends with a NUL when @len > 0.
 */
size_t cgf_policy_format_rule(char *buf, size_t len, const struct cgf_policy_rule *rule);

/* Adds "# id N FILE:LINE:COL" after each rule. */
#define CGF_POLICY_WRITE_ORIGIN	0x1u

/*
 * Writes @profile as a complete "profile NAME { ... }" block. Consecutive rules of one
 * kind share a section, so parsing the text back gives the same rules with the same ids.
 * Returns 0, or -1 when writing failed.
 */
int cgf_policy_write_profile(FILE *f, const struct cgf_policy_profile *profile,
			     unsigned int flags);

/* "file", "mount", "device", "kernel"; "enforce", "complain"; "allow", "deny". NULL: unknown. */
const char *cgf_policy_kind_name(uint8_t kind);
const char *cgf_policy_mode_name(uint8_t mode);
const char *cgf_policy_effect_name(uint8_t effect);
/* The policy word of one CGFENCE_KERNEL_* bit ("module", "ptrace", ...), NULL when unknown. */
const char *cgf_policy_kernel_op_name(uint32_t bit);

/*
 * The checks the module applies to the strings of a rule, for callers that build rules
 * without the parser. Each returns NULL when the string is valid, else what is wrong,
 * with *@off set to the offending byte. A mount source starting with '/' is a path
 * pattern; any other is a name such as "tmpfs" or "proc", compared exactly.
 */
const char *cgf_policy_check_path_pattern(const char *pat, size_t len, size_t *off);
const char *cgf_policy_check_source_name(const char *name, size_t len, size_t *off);
const char *cgf_policy_check_profile_name(const char *name, size_t len, size_t *off);
const char *cgf_policy_check_fstype(const char *fstype, size_t len, size_t *off);

#endif /* CGF_POLICY_H */
