// SPDX-License-Identifier: GPL-2.0
/* Loading of policy files: reading and parsing each once, the result, the entry points. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_tree.h"

/* Far above any real policy (100,000 rules take about 4 MiB), far below trouble. */
#define POLICY_FILE_MAX	(64 * 1024 * 1024)

static struct pf_file *new_file(struct pctx *c, const char *name, const char *dir)
{
	struct pf_file *f = cgf_arena_alloc(&c->scratch, sizeof(*f));

	if (!f)
		goto fail;
	f->name = cgf_arena_strndup(c->arena, name, strlen(name));
	f->dir = dir ? cgf_arena_strndup(&c->scratch, dir, strlen(dir)) : NULL;
	if (!f->name || (dir && !f->dir))
		goto fail;
	f->next = c->files;
	c->files = f;
	return f;
fail:
	pf_oom(c, name);
	return NULL;
}

/* The directory part of @path as written: "" for a bare file name. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup("");
	if (slash == path)
		return strdup("/");
	return strndup(path, slash - path);
}

static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL, *bigger;
	ssize_t r;

	for (;;) {
		if (n == cap) {
			if (cap >= POLICY_FILE_MAX) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 16384;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				return -ENOMEM;
			}
			buf = bigger;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			return r;
		}
		if (!r)
			break;
		n += r;
	}
	*text = buf;
	*len = n;
	return 0;
}

/*
 * Reads and parses an open file, or returns the one already parsed when @fd is a file
 * seen before: a file included twice is one file, and the main file included from
 * elsewhere is the main file again, which is what makes a cycle through it visible.
 */
static int load_fd(struct pctx *c, int fd, const char *name, struct pf_file **out)
{
	struct pf_file *f;
	char *text = NULL, *dir;
	struct stat st;
	size_t len = 0;
	int ret;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	for (f = c->files; f; f = f->next) {
		if (f->has_id && f->dev == st.st_dev && f->ino == st.st_ino) {
			*out = f;
			return 0;
		}
	}
	ret = read_all(fd, &text, &len);
	if (ret)
		return ret;
	dir = dir_of(name);
	f = dir ? new_file(c, name, dir) : NULL;
	free(dir);
	if (!f) {
		free(text);
		return c->failed ? -EINVAL : -ENOMEM;
	}
	/* Only a regular file has a stable identity: a pipe read twice is two texts. */
	f->has_id = S_ISREG(st.st_mode);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	ret = pf_parse_text(c, f, text, len);
	free(text);
	*out = f;
	return ret ? -EINVAL : 0;
}

/* Opens and loads @path; -ENOENT is left for the caller to report or to look further. */
int pf_load_path(struct pctx *c, const char *path, struct pf_file **out)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = load_fd(c, fd, path, out);
	close(fd);
	return ret;
}

int pf_cannot_read(struct pctx *c, const char *path, int err)
{
	if (err == -ENOMEM)
		return pf_oom(c, path);
	return pf_ctx_error(c, path, 0, 0, "cannot read: %s", strerror(-err));
}

static int build_result(struct pctx *c, const struct pf_file *main_file, struct cgf_policy *out)
{
	struct cgf_policy_profile *dst;
	const struct pf_profile *src;
	struct cgf_policy_rule *r;
	size_t i, j;

	out->nr_profiles = main_file->nr_profiles;
	out->profiles = cgf_arena_alloc(c->arena, out->nr_profiles * sizeof(*out->profiles));
	if (!out->profiles)
		return pf_oom(c, main_file->name);
	for (i = 0; i < main_file->nr_profiles; i++) {
		src = main_file->profiles[i];
		dst = &out->profiles[i];
		strcpy(dst->name, src->name);
		dst->mode = src->mode;
		dst->file_default = src->file_default;
		dst->src_file = main_file->name;
		dst->src_line = src->line;
		dst->src_col = src->col;
		dst->nr_rules = src->nr_rules;
		dst->rules = cgf_arena_alloc(c->arena, (src->nr_rules ?: 1) * sizeof(*dst->rules));
		if (!dst->rules)
			return pf_oom(c, main_file->name);
		for (j = 0; j < src->nr_rules; j++) {
			r = &dst->rules[j];
			*r = *src->rules[j];
			/* Ids follow the expanded order: the same text gives the same ids. */
			r->id = j + 1;
			if (r->kind == CGFENCE_RULE_FILE)
				dst->nr_file++;
			else if (r->kind == CGFENCE_RULE_MOUNT)
				dst->nr_mount++;
			else if (r->kind == CGFENCE_RULE_DEVICE)
				dst->nr_device++;
			else
				dst->nr_kernel++;
		}
	}
	return 0;
}

static void pctx_release(struct pctx *c)
{
	struct pf_file *f;
	size_t i;

	for (f = c->files; f; f = f->next) {
		for (i = 0; i < f->nr_profiles; i++) {
			free(f->profiles[i]->items);
			free(f->profiles[i]->rules);
		}
		free(f->profiles);
	}
	free(c->busy);
	free(c->sites);
	cgf_arena_release(&c->scratch);
}

static int pctx_init(struct pctx *c, struct cgf_policy *out, char *err, size_t err_len)
{
	memset(c, 0, sizeof(*c));
	memset(out, 0, sizeof(*out));
	c->err = err;
	c->err_len = err_len;
	if (err && err_len)
		err[0] = '\0';
	c->arena = calloc(1, sizeof(*c->arena));
	return c->arena ? 0 : -ENOMEM;
}

static int finish(struct pctx *c, struct pf_file *main_file, int ret, struct cgf_policy *out)
{
	size_t i;

	for (i = 0; !ret && i < main_file->nr_profiles; i++)
		if (pf_expand(c, main_file->profiles[i], NULL))
			ret = -EINVAL;
	if (!ret && build_result(c, main_file, out))
		ret = -ENOMEM;
	pctx_release(c);
	if (ret) {
		cgf_arena_release(c->arena);
		free(c->arena);
		memset(out, 0, sizeof(*out));
		return ret;
	}
	out->arena = c->arena;
	return 0;
}

/* A failed parse keeps nothing, not even the result's arena. */
static int abandon(struct pctx *c, int ret)
{
	pctx_release(c);
	cgf_arena_release(c->arena);
	free(c->arena);
	return ret;
}

int cgf_policy_parse_file(const char *path, struct cgf_policy *out, char *err, size_t err_len)
{
	struct pf_file *f = NULL;
	struct pctx c;
	int ret;

	if (pctx_init(&c, out, err, err_len))
		return -ENOMEM;
	ret = pf_load_path(&c, path, &f);
	if (ret && !c.failed) {
		pf_cannot_read(&c, path, ret);
		return abandon(&c, ret);
	}
	if (ret)
		return abandon(&c, -EINVAL);
	return finish(&c, f, 0, out);
}

int cgf_policy_parse_buffer(const char *display_name, const char *text, size_t len,
			    const char *include_dir, struct cgf_policy *out,
			    char *err, size_t err_len)
{
	struct pf_file *f;
	struct pctx c;
	int ret;

	if (pctx_init(&c, out, err, err_len))
		return -ENOMEM;
	f = new_file(&c, display_name, include_dir);
	ret = f ? pf_parse_text(&c, f, text, len) : -1;
	if (ret)
		return abandon(&c, -EINVAL);
	return finish(&c, f, 0, out);
}

int cgf_policy_parse_string(const char *display_name, const char *text, const char *include_dir,
			    struct cgf_policy *out, char *err, size_t err_len)
{
	return cgf_policy_parse_buffer(display_name, text, strlen(text), include_dir, out, err,
				       err_len);
}
