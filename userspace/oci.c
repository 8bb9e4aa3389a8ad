// SPDX-License-Identifier: GPL-2.0
/* OCI runtimes: the container state a hook reads, /etc/cgfence/oci.conf, the hook entry. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "json.h"
#include "conf.h"
#include "oci.h"
#include "util.h"

__printf(3, 4)
static int say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int json_error(const struct cgf_json *j, const char *what, char *err, size_t len)
{
	unsigned int line, col;

	cgf_json_where(j->text, j->err_offset, &line, &col);
	return say(err, len, "%s is not valid JSON: line %u column %u: %s", what, line, col,
		   j->err);
}

int cgf_oci_state_parse(const char *text, size_t len, struct cgf_oci_state *st, char *err,
			size_t errlen)
{
	char why[128];
	struct cgf_json j;
	int id, pid, ann, prof, ret = -EINVAL;
	int64_t value;

	memset(st, 0, sizeof(*st));
	if (cgf_json_parse(&j, text, len))
		return j.err ? json_error(&j, "the container state", err, errlen) : -ENOMEM;
	if (j.toks[0].type != CGF_JSON_OBJECT) {
		say(err, errlen, "the container state is not a JSON object");
		goto out;
	}
	id = cgf_json_member(&j, 0, "id");
	if (id >= 0 && (j.toks[id].type != CGF_JSON_STRING ||
			cgf_json_decode(&j, id, st->id, sizeof(st->id)) < 0)) {
		/* What was decoded of it names nothing: the message must not quote it. */
		st->id[0] = '\0';
		say(err, errlen,
		    "the container state's \"id\" is not a string of at most %zu bytes",
		    sizeof(st->id) - 1);
		goto out;
	}
	pid = cgf_json_member(&j, 0, "pid");
	if (pid < 0) {
		say(err, errlen, "the container state has no \"pid\"");
		goto out;
	}
	/* pid_t is 32 bits; 0 would be the runtime itself, negative a process group. */
	if (!cgf_json_int(&j, pid, 1, INT32_MAX, &value)) {
		say(err, errlen, "the container state's \"pid\" is not a process id (1 to %d)",
		    INT32_MAX);
		goto out;
	}
	st->pid = (pid_t)value;
	ann = cgf_json_member(&j, 0, "annotations");
	if (ann >= 0 && j.toks[ann].type != CGF_JSON_NULL) {
		if (j.toks[ann].type != CGF_JSON_OBJECT) {
			say(err, errlen, "the container state's \"annotations\" is not an object");
			goto out;
		}
		prof = cgf_json_member(&j, ann, CGF_OCI_ANNOTATION);
		if (prof >= 0) {
			if (j.toks[prof].type != CGF_JSON_STRING ||
			    cgf_json_decode(&j, prof, st->profile, sizeof(st->profile)) < 0) {
				say(err, errlen, "annotation " CGF_OCI_ANNOTATION
				    " is not a profile name (a string of at most %d bytes)",
				    CGFENCE_MAX_NAME - 1);
				goto out;
			}
			if (strcmp(st->profile, CGF_OCI_UNCONFINED) &&
			    cgf_check_profile_arg(st->profile, why, sizeof(why))) {
				say(err, errlen, "annotation " CGF_OCI_ANNOTATION ": %s", why);
				goto out;
			}
		}
	}
	ret = 0;
out:
	cgf_json_free(&j);
	return ret;
}

int cgf_oci_conf_parse(const char *path, const char *text, struct cgf_oci_conf *conf,
		       char *err, size_t errlen)
{
	struct cgf_conf_reader r;
	struct cgf_conf_entry e;
	char why[128], name[CGFENCE_MAX_NAME];
	int rc, yes;

	memset(conf, 0, sizeof(*conf));
	cgf_conf_init(&r, path, text);
	while ((rc = cgf_conf_next(&r, &e, err, errlen)) > 0) {
		if (cgf_conf_key_is(&e, "default_profile")) {
			if (e.value_len >= sizeof(name))
				return cgf_conf_error(&r, &e, e.value, err, errlen,
						      "profile name too long");
			memcpy(name, e.value, e.value_len);
			name[e.value_len] = '\0';
			if (strcmp(name, CGF_OCI_UNCONFINED) &&
			    cgf_check_profile_arg(name, why, sizeof(why)))
				return cgf_conf_error(&r, &e, e.value, err, errlen, "%s", why);
			memcpy(conf->default_profile, name, e.value_len + 1);
		} else if (cgf_conf_key_is(&e, "allow_unconfined")) {
			yes = cgf_conf_bool(&e);
			if (yes < 0)
				return cgf_conf_error(&r, &e, e.value, err, errlen,
						      "allow_unconfined is yes or no");
			conf->allow_unconfined = yes;
		} else {
			return cgf_conf_error(&r, &e, e.key, err, errlen,
					      "unknown key \"%.*s\" (default_profile, allow_unconfined)",
					      (int)e.key_len, e.key);
		}
	}
	return rc;
}

int cgf_oci_choose(const struct cgf_oci_state *st, const struct cgf_oci_conf *conf,
		   char *out, size_t outlen, char *err, size_t errlen)
{
	const char *name = st->profile[0] ? st->profile : conf->default_profile;

	if (!name[0]) {
		snprintf(err, errlen, "no profile: the container has no " CGF_OCI_ANNOTATION
			 " annotation and " CGF_OCI_CONF " sets no default_profile");
		return -EPERM;
	}
	if (!strcmp(name, CGF_OCI_UNCONFINED)) {
		if (conf->allow_unconfined)
			return 0;
		snprintf(err, errlen, "profile \"" CGF_OCI_UNCONFINED "\" asked for, but "
			 CGF_OCI_CONF " does not set allow_unconfined = yes");
		return -EPERM;
	}
	snprintf(out, outlen, "%s", name);
	return 1;
}

/* Whether array element @tok is our hook: an object with path @path and args[1] oci-hook. */
static bool is_our_hook(const struct cgf_json *j, int tok, const char *path)
{
	char buf[4096];
	int p, a, second;

	if (j->toks[tok].type != CGF_JSON_OBJECT)
		return false;
	p = cgf_json_member(j, tok, "path");
	a = cgf_json_member(j, tok, "args");
	if (p < 0 || a < 0 || j->toks[p].type != CGF_JSON_STRING ||
	    j->toks[a].type != CGF_JSON_ARRAY || j->toks[a].children < 2)
		return false;
	if (cgf_json_decode(j, p, buf, sizeof(buf)) < 0 || strcmp(buf, path))
		return false;
	second = j->toks[a + 1].next;
	return j->toks[second].type == CGF_JSON_STRING &&
	       cgf_json_decode(j, second, buf, sizeof(buf)) >= 0 && !strcmp(buf, "oci-hook");
}

/* @path as a JSON string: quotes and backslashes escaped, control characters refused. */
static int json_quote(const char *path, char *buf, size_t size)
{
	size_t n = 0;

	if (n + 1 >= size)
		return -ENAMETOOLONG;
	buf[n++] = '"';
	for (; *path; path++) {
		if ((unsigned char)*path < 0x20)
			return -EINVAL;
		if (n + 3 >= size)
			return -ENAMETOOLONG;
		if (*path == '"' || *path == '\\')
			buf[n++] = '\\';
		buf[n++] = *path;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return 0;
}

/* @text with [@from, @to) replaced by @insert, in a malloc'ed string. */
static char *splice(const char *text, size_t len, size_t from, size_t to, const char *insert)
{
	size_t n = strlen(insert);
	char *out = malloc(len - (to - from) + n + 1);

	if (!out)
		return NULL;
	memcpy(out, text, from);
	memcpy(out + from, insert, n);
	memcpy(out + from + n, text + to, len - to);
	out[len - (to - from) + n] = '\0';
	return out;
}

int cgf_oci_add_hook(const char *text, size_t len, const char *hook_path, char **out,
		     char *err, size_t errlen)
{
	char quoted[4200], entry[4300], insert[4400];
	int hooks, cr, el, ret = -EINVAL;
	size_t at = 0, from, to;
	struct cgf_json j;
	char *result;

	*out = NULL;
	if (json_quote(hook_path, quoted, sizeof(quoted)))
		return say(err, errlen, "the hook path is too long or holds a control character");
	snprintf(entry, sizeof(entry), "{\"path\":%s,\"args\":[\"cgfence\",\"oci-hook\"]}",
		 quoted);
	if (cgf_json_parse(&j, text, len))
		return j.err ? json_error(&j, "config.json", err, errlen) : -ENOMEM;
	if (j.toks[0].type != CGF_JSON_OBJECT) {
		say(err, errlen, "config.json is not a JSON object");
		goto out;
	}
	hooks = cgf_json_member(&j, 0, "hooks");
	cr = cgf_json_member(&j, hooks, "createRuntime");
	/* null is how Go writes an absent object or list: runc reads it as none. */
	if (hooks >= 0 && j.toks[hooks].type == CGF_JSON_NULL) {
		from = j.toks[hooks].start;
		to = j.toks[hooks].end;
		snprintf(insert, sizeof(insert), "{\"createRuntime\":[%s]}", entry);
		goto splice;
	}
	if (cr >= 0 && j.toks[cr].type == CGF_JSON_NULL) {
		from = j.toks[cr].start;
		to = j.toks[cr].end;
		snprintf(insert, sizeof(insert), "[%s]", entry);
		goto splice;
	}
	if (hooks >= 0 && j.toks[hooks].type != CGF_JSON_OBJECT) {
		say(err, errlen, "config.json: \"hooks\" is not an object");
		goto out;
	}
	if (cr >= 0 && j.toks[cr].type != CGF_JSON_ARRAY) {
		say(err, errlen, "config.json: \"hooks\".\"createRuntime\" is not an array");
		goto out;
	}
	if (hooks < 0) {
		at = j.toks[0].start + 1;
		snprintf(insert, sizeof(insert), "\"hooks\":{\"createRuntime\":[%s]}%s", entry,
			 j.toks[0].children ? "," : "");
	} else if (cr < 0) {
		at = j.toks[hooks].start + 1;
		snprintf(insert, sizeof(insert), "\"createRuntime\":[%s]%s", entry,
			 j.toks[hooks].children ? "," : "");
	} else {
		for (el = j.toks[cr].children ? cr + 1 : -1; el >= 0; el = j.toks[el].next)
			if (is_our_hook(&j, el, hook_path))
				break;
		if (el < 0) {
			at = j.toks[cr].start + 1;
			snprintf(insert, sizeof(insert), "%s%s", entry,
				 j.toks[cr].children ? "," : "");
		}
	}
	from = at;
	to = at;
	if (!at)
		insert[0] = '\0';
splice:
	result = splice(text, len, from, to, insert);
	if (!result) {
		ret = -ENOMEM;
		goto out;
	}
	*out = result;
	ret = 0;
out:
	cgf_json_free(&j);
	return ret;
}

int cgf_oci_set_annotation(const char *text, size_t len, const char *key, const char *value,
			   char **out, char *err, size_t errlen)
{
	char qkey[512], qvalue[512], insert[1100];
	size_t from, to;
	struct cgf_json j;
	int ann, cur, ret = -EINVAL;

	*out = NULL;
	if (json_quote(key, qkey, sizeof(qkey)) || json_quote(value, qvalue, sizeof(qvalue)))
		return say(err, errlen, "the annotation is too long or holds a control character");
	if (cgf_json_parse(&j, text, len))
		return j.err ? json_error(&j, "config.json", err, errlen) : -ENOMEM;
	if (j.toks[0].type != CGF_JSON_OBJECT) {
		say(err, errlen, "config.json is not a JSON object");
		goto out;
	}
	ann = cgf_json_member(&j, 0, "annotations");
	cur = cgf_json_member(&j, ann, key);
	if (ann < 0) {
		from = j.toks[0].start + 1;
		to = from;
		snprintf(insert, sizeof(insert), "\"annotations\":{%s:%s}%s", qkey, qvalue,
			 j.toks[0].children ? "," : "");
	} else if (j.toks[ann].type != CGF_JSON_OBJECT) {
		say(err, errlen, "config.json: \"annotations\" is not an object");
		goto out;
	} else if (cur >= 0) {
		/* A string's span excludes its quotes; any other value's is whole. */
		from = j.toks[cur].start - (j.toks[cur].type == CGF_JSON_STRING);
		to = j.toks[cur].end + (j.toks[cur].type == CGF_JSON_STRING);
		snprintf(insert, sizeof(insert), "%s", qvalue);
	} else {
		from = j.toks[ann].start + 1;
		to = from;
		snprintf(insert, sizeof(insert), "%s:%s%s", qkey, qvalue,
			 j.toks[ann].children ? "," : "");
	}
	*out = splice(text, len, from, to, insert);
	ret = *out ? 0 : -ENOMEM;
out:
	cgf_json_free(&j);
	return ret;
}
