// SPDX-License-Identifier: GPL-2.0
/* Grammar of policy files: profiles, their settings, sections and include statements. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_tree.h"

__printf(4, 5) int pf_err(struct parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pf_verr(p->c, p->file->name, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int pf_next(struct parser *p)
{
	p->prev = p->tok;
	if (cgf_lex_next(&p->lx, &p->tok))
		return pf_err(p, p->lx.err_line, p->lx.err_col, "%s", p->lx.err);
	return 0;
}

bool pf_is_word(const struct cgf_tok *t, const char *w)
{
	return t->type == CGF_TOK_WORD && t->len == strlen(w) && !memcmp(t->text, w, t->len);
}

bool pf_word_has_prefix(const struct cgf_tok *t, const char *prefix)
{
	size_t n = strlen(prefix);

	return t->type == CGF_TOK_WORD && t->len >= n && !memcmp(t->text, prefix, n);
}

/* Reports "expected WHAT, found TOKEN" at the current token. */
int pf_expected(struct parser *p, const char *what)
{
	char found[200];

	cgf_tok_describe(&p->tok, found, sizeof(found));
	return pf_err(p, p->tok.line, p->tok.col, "expected %s, found %s", what, found);
}

/*
 * A missing ';' is reported where it belongs, just past the statement, not at whatever
 * the next line starts with.
 */
int pf_expect_semi(struct parser *p, const char *after)
{
	char found[200];

	if (p->tok.type == CGF_TOK_SEMI)
		return pf_next(p);
	cgf_tok_describe(&p->tok, found, sizeof(found));
	if (p->prev.type == CGF_TOK_WORD && p->prev.len >= 2 &&
	    !memcmp(p->prev.text + p->prev.len - 2, "\\;", 2))
		return pf_err(p, p->prev.end_line, p->prev.end_col - 2,
			      "expected ';' after %s, found %s (the ';' here is escaped by the '\\' before it)",
			      after, found);
	return pf_err(p, p->prev.end_line, p->prev.end_col, "expected ';' after %s, found %s",
		      after, found);
}

/* Column of byte @off of the current token's text: a string's text starts after its quote. */
int pf_tok_col(const struct cgf_tok *t, size_t off)
{
	return t->col + (int)off + (t->type == CGF_TOK_STRING ? 1 : 0);
}

char *pf_tok_strdup(struct parser *p)
{
	char *s = cgf_arena_strndup(p->c->arena, p->tok.text, p->tok.len);

	if (!s)
		pf_oom(p->c, p->file->name);
	return s;
}

static struct pf_item *pf_new_item(struct parser *p, struct pf_profile *prof, bool is_include)
{
	struct pf_item *it;

	if (!pf_grow((void **)&prof->items, &prof->cap_items, prof->nr_items, sizeof(*it))) {
		pf_oom(p->c, p->file->name);
		return NULL;
	}
	it = &prof->items[prof->nr_items++];
	memset(it, 0, sizeof(*it));
	it->is_include = is_include;
	return it;
}

/* Moves to the next token, which must be a valid profile name (@what if it is no word). */
static int next_profile_name(struct parser *p, const char *what)
{
	const char *why;
	char q[200];
	size_t off;

	if (pf_next(p))
		return -1;
	if (p->tok.type != CGF_TOK_WORD)
		return pf_expected(p, what);
	why = cgf_policy_check_profile_name(p->tok.text, p->tok.len, &off);
	if (!why)
		return 0;
	cgf_quote_text(p->tok.text, p->tok.len, q, sizeof(q));
	return pf_err(p, p->tok.line, pf_tok_col(&p->tok, off),
		      "invalid profile name %s: %s", q, why);
}

static int parse_include(struct parser *p, struct pf_profile *prof, uint8_t kind)
{
	int line = p->tok.line, col = p->tok.col;
	struct pf_item *it;

	if (next_profile_name(p, "a profile name after 'include'"))
		return -1;
	it = pf_new_item(p, prof, true);
	if (!it)
		return -1;
	it->line = line;
	it->col = col;
	it->inc.kind = kind;
	it->inc.name = pf_tok_strdup(p);
	if (!it->inc.name || pf_next(p))
		return -1;
	return pf_expect_semi(p, "'include NAME'");
}

static int parse_section(struct parser *p, struct pf_profile *prof, uint8_t kind)
{
	const char *name = cgf_policy_kind_name(kind);
	int line = p->tok.line, col = p->tok.col;
	struct pf_item *it;
	char what[200];
	int ret;

	if (pf_next(p))
		return -1;
	if (p->tok.type != CGF_TOK_LBRACE) {
		snprintf(what, sizeof(what), "'{' after '%s'", name);
		return pf_expected(p, what);
	}
	if (pf_next(p))
		return -1;
	for (;;) {
		if (p->tok.type == CGF_TOK_RBRACE)
			return pf_next(p);
		if (p->tok.type == CGF_TOK_EOF) {
			snprintf(what, sizeof(what),
				 "'}' to close the %s section (opened at %d:%d)", name, line, col);
			return pf_expected(p, what);
		}
		if (pf_is_word(&p->tok, "include")) {
			ret = parse_include(p, prof, kind);
		} else if (pf_is_word(&p->tok, "allow") || pf_is_word(&p->tok, "deny")) {
			it = pf_new_item(p, prof, false);
			if (!it)
				return -1;
			it->line = p->tok.line;
			it->col = p->tok.col;
			if (kind == CGFENCE_RULE_FILE)
				ret = pf_parse_file_rule(p, &it->rule);
			else if (kind == CGFENCE_RULE_MOUNT)
				ret = pf_parse_mount_rule(p, &it->rule);
			else if (kind == CGFENCE_RULE_DEVICE)
				ret = pf_parse_device_rule(p, &it->rule);
			else
				ret = pf_parse_kernel_rule(p, &it->rule);
		} else {
			snprintf(what, sizeof(what),
				 "'allow', 'deny', 'include' or '}' in the %s section", name);
			return pf_expected(p, what);
		}
		if (ret)
			return -1;
	}
}

/* "mode enforce;" and "default deny;": a keyword, one of two values, once per profile. */
static int parse_setting(struct parser *p, struct pf_profile *prof, const char *key,
			 const char *v1, uint8_t val1, const char *v2, uint8_t val2,
			 uint8_t *value, int *set_line, int *set_col)
{
	int line = p->tok.line, col = p->tok.col;
	char what[120];

	if (*value)
		return pf_err(p, line, col, "'%s' is already set for profile '%s' (at %d:%d)",
			      key, prof->name, *set_line, *set_col);
	if (pf_next(p))
		return -1;
	if (pf_is_word(&p->tok, v1)) {
		*value = val1;
	} else if (pf_is_word(&p->tok, v2)) {
		*value = val2;
	} else {
		snprintf(what, sizeof(what), "'%s' or '%s' after '%s'", v1, v2, key);
		return pf_expected(p, what);
	}
	*set_line = line;
	*set_col = col;
	snprintf(what, sizeof(what), "'%s %s'", key, *value == val1 ? v1 : v2);
	if (pf_next(p))
		return -1;
	return pf_expect_semi(p, what);
}

struct pf_profile *pf_find_profile(struct pf_file *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nr_profiles; i++)
		if (!strcmp(f->profiles[i]->name, name))
			return f->profiles[i];
	return NULL;
}

static int parse_profile(struct parser *p)
{
	struct pf_file *f = p->file;
	struct pf_profile *prof, *dup;
	int line = p->tok.line, col = p->tok.col;
	char what[200];
	int ret;

	if (f->nr_profiles == CGFENCE_MAX_PROFILES)
		return pf_err(p, line, col, "more than %d profiles in one file",
			      CGFENCE_MAX_PROFILES);
	if (next_profile_name(p, "a profile name after 'profile'"))
		return -1;
	prof = cgf_arena_alloc(&p->c->scratch, sizeof(*prof));
	if (!prof)
		return pf_oom(p->c, f->name);
	prof->name = pf_tok_strdup(p);
	if (!prof->name)
		return -1;
	dup = pf_find_profile(f, prof->name);
	if (dup)
		return pf_err(p, p->tok.line, p->tok.col,
			      "profile '%s' is already defined at %s:%d:%d", prof->name, f->name,
			      dup->line, dup->col);
	prof->file = f;
	prof->line = line;
	prof->col = col;
	if (!pf_grow((void **)&f->profiles, &f->cap_profiles, f->nr_profiles, sizeof(prof)))
		return pf_oom(p->c, f->name);
	f->profiles[f->nr_profiles++] = prof;

	if (pf_next(p))
		return -1;
	if (p->tok.type != CGF_TOK_LBRACE) {
		snprintf(what, sizeof(what), "'{' after 'profile %s'", prof->name);
		return pf_expected(p, what);
	}
	if (pf_next(p))
		return -1;
	for (;;) {
		const struct cgf_tok *t = &p->tok;

		if (t->type == CGF_TOK_RBRACE)
			break;
		if (t->type == CGF_TOK_EOF) {
			snprintf(what, sizeof(what), "'}' to close profile '%s' (opened at %d:%d)",
				 prof->name, line, col);
			return pf_expected(p, what);
		}
		if (pf_is_word(t, "mode")) {
			ret = parse_setting(p, prof, "mode", "enforce", CGFENCE_MODE_ENFORCE,
					    "complain", CGFENCE_MODE_COMPLAIN, &prof->mode,
					    &prof->mode_line, &prof->mode_col);
		} else if (pf_is_word(t, "default")) {
			ret = parse_setting(p, prof, "default", "allow", CGFENCE_EFFECT_ALLOW,
					    "deny", CGFENCE_EFFECT_DENY, &prof->file_default,
					    &prof->default_line, &prof->default_col);
		} else if (pf_is_word(t, "include")) {
			ret = parse_include(p, prof, 0);
		} else if (pf_is_word(t, "file")) {
			ret = parse_section(p, prof, CGFENCE_RULE_FILE);
		} else if (pf_is_word(t, "mount")) {
			ret = parse_section(p, prof, CGFENCE_RULE_MOUNT);
		} else if (pf_is_word(t, "device")) {
			ret = parse_section(p, prof, CGFENCE_RULE_DEVICE);
		} else if (pf_is_word(t, "kernel")) {
			ret = parse_section(p, prof, CGFENCE_RULE_KERNEL);
		} else if (pf_is_word(t, "allow") || pf_is_word(t, "deny")) {
			return pf_err(p, t->line, t->col,
				      "a rule belongs in a 'file { }', 'mount { }', 'device { }' or 'kernel { }' section");
		} else {
			snprintf(what, sizeof(what),
				 "'mode', 'default', 'include', 'file', 'mount', 'device', 'kernel' or '}' in profile '%s'",
				 prof->name);
			return pf_expected(p, what);
		}
		if (ret)
			return -1;
	}
	/* Enforcing by accident is as bad as complaining by accident: it is never implied. */
	if (!prof->mode)
		return pf_err(p, line, col,
			      "profile '%s' has no 'mode' statement (add 'mode enforce;' or 'mode complain;')",
			      prof->name);
	if (!prof->file_default)
		prof->file_default = CGFENCE_EFFECT_DENY;
	return pf_next(p);
}

int pf_parse_text(struct pctx *c, struct pf_file *f, const char *text, size_t len)
{
	struct parser p = { .c = c, .file = f };

	cgf_lex_init(&p.lx, text, len);
	if (pf_next(&p))
		return -1;
	while (p.tok.type != CGF_TOK_EOF) {
		if (!pf_is_word(&p.tok, "profile"))
			return pf_expected(&p, "'profile'");
		if (parse_profile(&p))
			return -1;
	}
	if (!f->nr_profiles)
		return pf_expected(&p, "'profile' (a policy file defines at least one profile)");
	return 0;
}
