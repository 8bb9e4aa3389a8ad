/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence object naming: the name under which the engine judges a file object. */
#ifndef _CGFENCE_OBJECT_H
#define _CGFENCE_OBJECT_H

#include <linux/types.h>

struct path;
struct super_block;

#include <uapi/cgfence.h>

struct cgf_object {
	const char *name;
	size_t len;
};

/* Per-CPU scratch for object names; @slot 0 or 1 (rename and link need two). */
char *cgf_object_buffer(unsigned int slot);
int cgf_object_init(void);
void cgf_object_exit(void);

/* The task's root directory, read consistently without taking a reference. */
void cgf_current_root(struct path *root);

/* The kind of a file on one of the kernel's internal mounts (pipes, sockets, memfd), or NULL. */
const char *cgf_object_internal_kind(const struct super_block *sb);

bool cgf_path_detached(const struct path *path);

int cgf_object_name(const struct path *path, char *buf, int size, struct cgf_object *object);

#endif /* _CGFENCE_OBJECT_H */
