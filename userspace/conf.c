// SPDX-License-Identifier: GPL-2.0
/* The "key = value" line format of cgfence's configuration files, read one entry at a time. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

void cgf_conf_init(struct cgf_conf_reader *r, const char *path, const char *text)
{
	r->path = path;
	r->next = text;
	r->line = 0;
}

size_t cgf_conf_col(const struct cgf_conf_entry *e, const char *p)
{
	return (size_t)(p - e->line_start) + 1;
}

int cgf_conf_error(const struct cgf_conf_reader *r, const struct cgf_conf_entry *e,
		   const char *at, char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, len, "%s:%u:%zu: ", r->path, e->line, cgf_conf_col(e, at));
	if (n >= 0 && (size_t)n < len) {
		va_start(ap, fmt);
		vsnprintf(err + n, len - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int cgf_conf_next(struct cgf_conf_reader *r, struct cgf_conf_entry *e, char *err, size_t len)
{
	const char *line, *end, *p;

	while (*r->next) {
		line = r->next;
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		r->next = *end ? end + 1 : end;
		r->line++;
		memset(e, 0, sizeof(*e));
		e->line = r->line;
		e->line_start = line;
		p = skip_blank(line);
		if (p == end || *p == '#' || (*p == '\r' && p + 1 == end))
			continue;
		e->key = p;
		while (p < end && (*p == '_' || (*p >= 'a' && *p <= 'z')))
			p++;
		e->key_len = p - e->key;
		p = skip_blank(p);
		if (!e->key_len || p >= end || *p != '=')
			return cgf_conf_error(r, e, p, err, len, "expected \"key = value\"");
		e->value = skip_blank(p + 1);
		e->value_len = end - e->value;
		while (e->value_len && (e->value[e->value_len - 1] == ' ' ||
					e->value[e->value_len - 1] == '\t' ||
					e->value[e->value_len - 1] == '\r'))
			e->value_len--;
		return 1;
	}
	return 0;
}

bool cgf_conf_key_is(const struct cgf_conf_entry *e, const char *key)
{
	return e->key_len == strlen(key) && !memcmp(e->key, key, e->key_len);
}

int cgf_conf_bool(const struct cgf_conf_entry *e)
{
	if (e->value_len == 3 && !memcmp(e->value, "yes", 3))
		return 1;
	if (e->value_len == 2 && !memcmp(e->value, "no", 2))
		return 0;
	return -1;
}

/*
 * Reads all of @fd, at most @max bytes, NUL-terminated. Returns the
 * buffer (free() it), or NULL with errno set (EFBIG when there is more).
 */
char *cgf_read_fd(int fd, size_t max, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *bigger;
	ssize_t got;

	if (!buf)
		return NULL;
	for (;;) {
		if (n + 1 == cap) {
			if (cap > max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return NULL;
		}
		if (!got)
			break;
		n += got;
	}
	if (n > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *cgf_read_path(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *text;
	int saved;

	if (fd < 0)
		return NULL;
	text = cgf_read_fd(fd, max, len);
	saved = errno;
	close(fd);
	errno = saved;
	return text;
}
