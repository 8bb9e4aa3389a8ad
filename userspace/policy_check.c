// SPDX-License-Identifier: GPL-2.0
/* Checks of the strings in rules, the same the module applies: patterns, names, fstypes. */
#include <stdbool.h>
#include <string.h>

#include "policy_int.h"

/*
 * A component that can only ever match "." or "..": a resolved path never has one, so
 * such a rule would be dead text. Escaped dots are still dots.
 */
static bool is_dot_component(const char *c, size_t len)
{
	size_t i, dots = 0;

	for (i = 0; i < len; i++) {
		if (c[i] == '\\' && i + 1 < len)
			i++;
		if (c[i] != '.')
			return false;
		dots++;
	}
	return dots == 1 || dots == 2;
}

/* Stores where the problem is and says what it is. */
static const char *at(size_t *off, size_t pos, const char *why)
{
	*off = pos;
	return why;
}

/* Escapes and stars inside the component from @start to @end. */
static const char *check_component(const char *pat, size_t start, size_t end, size_t *off)
{
	size_t i = start;

	while (i < end) {
		if (pat[i] == '\\') {
			if (i + 1 == end) {
				*off = i;
				return "'\\' at the end of the pattern has nothing to escape";
			}
			if (pat[i + 1] == '/') {
				*off = i;
				return "'\\/' can never match: a path component has no '/' in it";
			}
			i += 2;
			continue;
		}
		if (pat[i] == '*' && i + 1 < end && pat[i + 1] == '*') {
			if (i != start || i + 2 != end) {
				*off = i;
				return "'**' must be a whole path component";
			}
			i += 2;
			continue;
		}
		i++;
	}
	return NULL;
}

/* As the module splits: a '\\' takes the next byte with it, even a '/'. */
static size_t component_end(const char *pat, size_t len, size_t i)
{
	while (i < len && pat[i] != '/')
		i += pat[i] == '\\' ? 2 : 1;
	return i < len ? i : len;
}

const char *cgf_policy_check_path_pattern(const char *pat, size_t len, size_t *off)
{
	const char *why;
	size_t i, end;

	*off = 0;
	if (!len)
		return "empty path pattern";
	if (pat[0] != '/')
		return "a path pattern must start with '/'";
	if (len >= CGFENCE_MAX_PATTERN) {
		*off = CGFENCE_MAX_PATTERN - 1;
		return "path pattern too long (the limit is 4095 bytes)";
	}
	if (len == 1)
		return NULL;
	for (i = 1; ; i = end + 1) {
		end = component_end(pat, len, i);
		if (end == i) {
			if (i == len)
				return at(off, i - 1,
					  "trailing '/' (write '/a' for the directory itself, '/a/**' for it and everything below)");
			return at(off, i - 1, "empty path component ('//')");
		}
		why = check_component(pat, i, end, off);
		if (why)
			return why;
		if (is_dot_component(pat + i, end - i))
			return at(off, i,
				  "'.' and '..' components never match: paths are resolved before matching");
		if (end == len)
			return NULL;
	}
}

const char *cgf_policy_check_source_name(const char *name, size_t len, size_t *off)
{
	size_t i;

	*off = 0;
	if (!len)
		return "empty mount source";
	if (len >= CGFENCE_MAX_PATTERN) {
		*off = CGFENCE_MAX_PATTERN - 1;
		return "mount source too long (the limit is 4095 bytes)";
	}
	for (i = 0; i < len; i++) {
		if (name[i] == '/')
			return at(off, i,
				  "a mount source is a path pattern starting with '/' or a name without any '/'");
		/* The module compares a name byte for byte: a '*' would only match a '*'. */
		if (name[i] == '*' || name[i] == '?' || name[i] == '\\')
			return at(off, i,
				  "a source name is compared exactly, without wildcards or escapes (leave the source out to allow any)");
	}
	return NULL;
}

const char *cgf_policy_check_profile_name(const char *name, size_t len, size_t *off)
{
	size_t i;

	*off = 0;
	if (!len)
		return "empty profile name";
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
			*off = i;
			return "a profile name has only letters, digits, '_', '.' and '-'";
		}
	}
	if (len >= CGFENCE_MAX_NAME) {
		*off = CGFENCE_MAX_NAME - 1;
		return "profile name too long (the limit is 63 characters)";
	}
	return NULL;
}

const char *cgf_policy_check_fstype(const char *fstype, size_t len, size_t *off)
{
	size_t i;

	*off = 0;
	if (!len)
		return "empty filesystem type";
	for (i = 0; i < len; i++) {
		unsigned char c = fstype[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return at(off, i,
				  "a filesystem type has only lowercase letters, digits, '_', '.' and '-' (or is '*' for any)");
	}
	if (len >= CGFENCE_MAX_FSTYPE) {
		*off = CGFENCE_MAX_FSTYPE - 1;
		return "filesystem type too long (the limit is 63 characters)";
	}
	return NULL;
}
