/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence kernel functions a loadable module cannot link against, resolved at load. */
#ifndef _CGFENCE_SYMBOLS_H
#define _CGFENCE_SYMBOLS_H

#include <linux/seqlock.h>

struct file;
struct path;

extern char *(*cgf_d_absolute_path)(const struct path *path, char *buf, int buflen);
/* fs/namespace.c's mount_lock: guards every superblock's list of mounts. */
extern seqlock_t *cgf_mount_lock;
/* fs/file.c's replace_fd(): dup2() of a kernel file into the current task's table. */
extern int (*cgf_replace_fd)(unsigned int fd, struct file *file, unsigned int flags);

/* Every symbol is required: a missing one fails the load. */
int cgf_symbols_init(void);

#endif /* _CGFENCE_SYMBOLS_H */
