/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence kernel functions a loadable module cannot link against, resolved at load. */
#ifndef _CGFENCE_SYMBOLS_H
#define _CGFENCE_SYMBOLS_H

#include <linux/seqlock.h>
#include <linux/spinlock.h>

struct file;
struct file_system_type;
struct path;

extern char *(*cgf_d_absolute_path)(const struct path *path, char *buf, int buflen);
/* fs/namespace.c's mount_lock: guards every superblock's list of mounts. */
extern seqlock_t *cgf_mount_lock;
/* fs/file.c's replace_fd(): dup2() of a kernel file into the current task's table. */
extern int (*cgf_replace_fd)(unsigned int fd, struct file *file, unsigned int flags);
/* The kernel's list of registered filesystem types, and the lock that guards it. */
extern struct file_system_type **cgf_file_systems;
extern rwlock_t *cgf_file_systems_lock;

/* Every symbol is required: a missing one fails the load. */
int cgf_symbols_init(void);

#endif /* _CGFENCE_SYMBOLS_H */
