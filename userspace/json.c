// SPDX-License-Identifier: GPL-2.0
/* A strict JSON reader (RFC 8259) for OCI state and config: tokens with their byte offsets. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct parser {
	struct cgf_json *j;
	size_t pos;
	int cap;
};

static int fail(struct parser *p, size_t at, const char *why)
{
	p->j->err = why;
	p->j->err_offset = at;
	return -EINVAL;
}

static void skip_space(struct parser *p)
{
	const char *t = p->j->text;

	while (p->pos < p->j->len &&
	       (t[p->pos] == ' ' || t[p->pos] == '\t' || t[p->pos] == '\n' || t[p->pos] == '\r'))
		p->pos++;
}

static int new_tok(struct parser *p, enum cgf_json_type type, size_t start, int parent)
{
	struct cgf_json *j = p->j;
	struct cgf_json_tok *bigger;

	if (j->nr_toks == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		bigger = realloc(j->toks, p->cap * sizeof(*bigger));
		if (!bigger)
			return -ENOMEM;
		j->toks = bigger;
	}
	j->toks[j->nr_toks] = (struct cgf_json_tok){
		.type = type, .start = start, .end = start, .parent = parent, .next = -1,
	};
	if (parent >= 0)
		j->toks[parent].children++;
	return j->nr_toks++;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(const char *s, unsigned int *out)
{
	int i, v;

	*out = 0;
	for (i = 0; i < 4; i++) {
		v = hex_value(s[i]);
		if (v < 0)
			return -1;
		*out = *out << 4 | v;
	}
	return 0;
}

/* The text after an opening quote: escapes checked, raw control characters refused. */
static int parse_string(struct parser *p, int parent)
{
	const char *t = p->j->text;
	size_t open = p->pos++;
	unsigned int cp, lo;
	int tok;

	tok = new_tok(p, CGF_JSON_STRING, p->pos, parent);
	if (tok < 0)
		return tok;
	while (p->pos < p->j->len) {
		unsigned char c = t[p->pos];

		if (c == '"') {
			p->j->toks[tok].end = p->pos++;
			return tok;
		}
		if (c < 0x20)
			return fail(p, p->pos, "a control character inside a string");
		if (c != '\\') {
			p->pos++;
			continue;
		}
		if (p->pos + 1 >= p->j->len)
			break;
		switch (t[p->pos + 1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			p->pos += 2;
			continue;
		case 'u':
			if (p->pos + 6 > p->j->len || read_hex4(t + p->pos + 2, &cp))
				return fail(p, p->pos, "\\u needs four hex digits");
			p->pos += 6;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(p, p->pos - 6, "a lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				bool paired = p->pos + 6 <= p->j->len && t[p->pos] == '\\' &&
					      t[p->pos + 1] == 'u' &&
					      !read_hex4(t + p->pos + 2, &lo) &&
					      lo >= 0xdc00 && lo <= 0xdfff;

				if (!paired)
					return fail(p, p->pos - 6,
						    "a high surrogate without its low half");
				p->pos += 6;
			}
			continue;
		default:
			return fail(p, p->pos, "an unknown escape");
		}
	}
	return fail(p, open, "a string that never ends");
}

static int parse_number(struct parser *p, int parent)
{
	const char *t = p->j->text;
	size_t start = p->pos, n = p->j->len;
	int tok;

	if (p->pos < n && t[p->pos] == '-')
		p->pos++;
	if (p->pos >= n || t[p->pos] < '0' || t[p->pos] > '9')
		return fail(p, start, "a malformed number");
	if (t[p->pos] == '0')
		p->pos++;
	else
		while (p->pos < n && t[p->pos] >= '0' && t[p->pos] <= '9')
			p->pos++;
	if (p->pos < n && t[p->pos] == '.') {
		p->pos++;
		if (p->pos >= n || t[p->pos] < '0' || t[p->pos] > '9')
			return fail(p, start, "a malformed number");
		while (p->pos < n && t[p->pos] >= '0' && t[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos < n && (t[p->pos] == 'e' || t[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < n && (t[p->pos] == '+' || t[p->pos] == '-'))
			p->pos++;
		if (p->pos >= n || t[p->pos] < '0' || t[p->pos] > '9')
			return fail(p, start, "a malformed number");
		while (p->pos < n && t[p->pos] >= '0' && t[p->pos] <= '9')
			p->pos++;
	}
	tok = new_tok(p, CGF_JSON_NUMBER, start, parent);
	if (tok >= 0)
		p->j->toks[tok].end = p->pos;
	return tok;
}

static int parse_literal(struct parser *p, int parent, const char *word,
			 enum cgf_json_type type)
{
	size_t len = strlen(word);
	int tok;

	if (p->j->len - p->pos < len || memcmp(p->j->text + p->pos, word, len))
		return fail(p, p->pos, "an unexpected character");
	tok = new_tok(p, type, p->pos, parent);
	if (tok >= 0) {
		p->pos += len;
		p->j->toks[tok].end = p->pos;
	}
	return tok;
}

static int parse_value(struct parser *p, int parent, int depth);

/* Links each child of @tok to the one after it, for cgf_json_member() and skipping. */
static int parse_container(struct parser *p, int parent, int depth, bool object)
{
	char close = object ? '}' : ']';
	int tok, child, prev = -1;

	if (depth >= CGF_JSON_MAX_DEPTH)
		return fail(p, p->pos, "nested too deep");
	tok = new_tok(p, object ? CGF_JSON_OBJECT : CGF_JSON_ARRAY, p->pos++, parent);
	if (tok < 0)
		return tok;
	skip_space(p);
	if (p->pos < p->j->len && p->j->text[p->pos] == close) {
		p->j->toks[tok].end = ++p->pos;
		return tok;
	}
	for (;;) {
		skip_space(p);
		if (object) {
			if (p->pos >= p->j->len || p->j->text[p->pos] != '"')
				return fail(p, p->pos, "expected a key (a string)");
			child = parse_string(p, tok);
			if (child < 0)
				return child;
			if (prev >= 0)
				p->j->toks[prev].next = child;
			prev = child;
			skip_space(p);
			if (p->pos >= p->j->len || p->j->text[p->pos] != ':')
				return fail(p, p->pos, "expected ':' after a key");
			p->pos++;
		}
		child = parse_value(p, tok, depth + 1);
		if (child < 0)
			return child;
		if (prev >= 0)
			p->j->toks[prev].next = child;
		prev = child;
		skip_space(p);
		if (p->pos < p->j->len && p->j->text[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->j->len && p->j->text[p->pos] == close) {
			p->j->toks[tok].end = ++p->pos;
			return tok;
		}
		return fail(p, p->pos, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int parse_value(struct parser *p, int parent, int depth)
{
	skip_space(p);
	if (p->pos >= p->j->len)
		return fail(p, p->pos, "expected a value");
	switch (p->j->text[p->pos]) {
	case '{':
		return parse_container(p, parent, depth, true);
	case '[':
		return parse_container(p, parent, depth, false);
	case '"':
		return parse_string(p, parent);
	case 't':
		return parse_literal(p, parent, "true", CGF_JSON_TRUE);
	case 'f':
		return parse_literal(p, parent, "false", CGF_JSON_FALSE);
	case 'n':
		return parse_literal(p, parent, "null", CGF_JSON_NULL);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return parse_number(p, parent);
	default:
		return fail(p, p->pos, "expected a value");
	}
}

int cgf_json_parse(struct cgf_json *j, const char *text, size_t len)
{
	struct parser p = { .j = j };
	int err;

	memset(j, 0, sizeof(*j));
	j->text = text;
	j->len = len;
	err = parse_value(&p, -1, 0);
	if (err >= 0) {
		skip_space(&p);
		err = p.pos == len ? 0 : fail(&p, p.pos, "more text after the value");
	}
	if (err) {
		free(j->toks);
		j->toks = NULL;
		j->nr_toks = 0;
	}
	return err;
}

void cgf_json_free(struct cgf_json *j)
{
	free(j->toks);
	j->toks = NULL;
	j->nr_toks = 0;
}

/* Appends code point @cp as UTF-8; false when it does not fit. */
static bool put_utf8(char *buf, size_t size, size_t *n, unsigned int cp)
{
	char out[4];
	size_t len, i;

	if (cp < 0x80) {
		out[0] = cp;
		len = 1;
	} else if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		len = 2;
	} else if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		len = 3;
	} else {
		out[0] = 0xf0 | cp >> 18;
		out[1] = 0x80 | (cp >> 12 & 0x3f);
		out[2] = 0x80 | (cp >> 6 & 0x3f);
		out[3] = 0x80 | (cp & 0x3f);
		len = 4;
	}
	if (*n + len >= size)
		return false;
	for (i = 0; i < len; i++)
		buf[(*n)++] = out[i];
	return true;
}

static int decode(const struct cgf_json *j, int tok, char *buf, size_t size, bool names)
{
	const struct cgf_json_tok *t = &j->toks[tok];
	const char *s = j->text;
	unsigned int cp, lo;
	size_t i = t->start, n = 0;
	char c;

	while (i < t->end) {
		c = s[i++];
		if (c == '\\') {
			c = s[i++];
			switch (c) {
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				/* The parser checked the digits and the pairing. */
				read_hex4(s + i, &cp);
				i += 4;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					read_hex4(s + i + 2, &lo);
					i += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (!cp)
					return -EINVAL;
				if (names && cp == 0xfffd) {
					if (n + 1 >= size)
						return -ENAMETOOLONG;
					buf[n++] = CGF_JSON_UNKNOWN_BYTE;
					continue;
				}
				if (!put_utf8(buf, size, &n, cp))
					return -ENAMETOOLONG;
				continue;
			default:
				break;	/* '"', '\\' and '/' stand for themselves */
			}
		}
		if (n + 1 >= size)
			return -ENAMETOOLONG;
		buf[n++] = c;
	}
	if (n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

int cgf_json_decode(const struct cgf_json *j, int tok, char *buf, size_t size)
{
	return decode(j, tok, buf, size, false);
}

int cgf_json_decode_name(const struct cgf_json *j, int tok, char *buf, size_t size)
{
	return decode(j, tok, buf, size, true);
}

int cgf_json_member(const struct cgf_json *j, int obj, const char *key)
{
	size_t len = strlen(key);
	int k, found = -1;

	if (obj < 0 || j->toks[obj].type != CGF_JSON_OBJECT || !j->toks[obj].children)
		return -1;
	for (k = obj + 1; k >= 0; k = j->toks[j->toks[k].next].next) {
		const struct cgf_json_tok *t = &j->toks[k];
		char decoded[256];

		/* As Go's encoding/json (runc, podman) reads it: escapes decoded, last wins. */
		if (memchr(j->text + t->start, '\\', t->end - t->start)) {
			if (cgf_json_decode(j, k, decoded, sizeof(decoded)) == (int)len &&
			    !memcmp(decoded, key, len))
				found = t->next;
		} else if (t->end - t->start == len && !memcmp(j->text + t->start, key, len)) {
			found = t->next;
		}
	}
	return found;
}

bool cgf_json_int(const struct cgf_json *j, int tok, int64_t min, int64_t max, int64_t *out)
{
	const struct cgf_json_tok *t = &j->toks[tok];
	int64_t v = 0;
	bool neg;
	size_t i;

	if (t->type != CGF_JSON_NUMBER)
		return false;
	i = t->start;
	neg = j->text[i] == '-';
	if (neg)
		i++;
	for (; i < t->end; i++) {
		char c = j->text[i];

		if (c < '0' || c > '9')
			return false;	/* a fraction or an exponent: not an integer here */
		if (v > (INT64_MAX - (c - '0')) / 10)
			return false;
		v = v * 10 + (c - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

void cgf_json_where(const char *text, size_t offset, unsigned int *line, unsigned int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < offset && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}
