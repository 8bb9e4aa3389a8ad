// SPDX-License-Identifier: GPL-2.0
/* Lexer of the cgfence policy language: bytes to words, quoted strings and punctuation. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_int.h"
#include "util.h"

void cgf_lex_init(struct cgf_lexer *lx, const char *buf, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->buf = buf;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Tabs are spacing, not text: a pattern that needs one matches it with '?'. */
static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* A word ends where punctuation or a quote could start the next token. */
static bool ends_word(unsigned char c)
{
	return is_space(c) || c == '{' || c == '}' || c == ';' || c == '"';
}

static void advance(struct cgf_lexer *lx)
{
	if (lx->buf[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static __printf(4, 5) int lex_error(struct cgf_lexer *lx, int line, int col, const char *fmt, ...)
{
	va_list ap;

	lx->err_line = line;
	lx->err_col = col;
	va_start(ap, fmt);
	vsnprintf(lx->err, sizeof(lx->err), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * '#' starts a comment only where a token could start: inside a word it is an ordinary
 * byte, so "/srv/a#b" needs no quoting and a comment right after ';' still works.
 */
static void skip_space_and_comments(struct cgf_lexer *lx)
{
	while (lx->pos < lx->len) {
		unsigned char c = lx->buf[lx->pos];

		if (is_space(c)) {
			advance(lx);
		} else if (c == '#') {
			while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
				advance(lx);
		} else {
			return;
		}
	}
}

static int control_error(struct cgf_lexer *lx, unsigned char c, const char *where)
{
	if (!c)
		return lex_error(lx, lx->line, lx->col, "NUL byte in the policy text");
	return lex_error(lx, lx->line, lx->col,
			 "control character 0x%02x %s (a pattern matches it with '?')", c, where);
}

static int lex_string(struct cgf_lexer *lx, struct cgf_tok *tok)
{
	size_t start;

	advance(lx);
	start = lx->pos;
	for (;;) {
		unsigned char c;

		if (lx->pos >= lx->len || lx->buf[lx->pos] == '\n')
			return lex_error(lx, tok->line, tok->col,
					 "unterminated quoted string (it must end on the line it starts)");
		c = lx->buf[lx->pos];
		if (c == '"')
			break;
		if (is_control(c))
			return control_error(lx, c, "in a quoted string");
		if (c == '\\') {
			advance(lx);
			if (lx->pos >= lx->len || lx->buf[lx->pos] == '\n')
				return lex_error(lx, tok->line, tok->col,
						 "unterminated quoted string (it must end on the line it starts)");
			c = lx->buf[lx->pos];
			if (is_control(c))
				return control_error(lx, c, "in a quoted string");
		}
		advance(lx);
	}
	tok->type = CGF_TOK_STRING;
	tok->text = lx->buf + start;
	tok->len = lx->pos - start;
	advance(lx);
	return 0;
}

static int lex_word(struct cgf_lexer *lx, struct cgf_tok *tok)
{
	size_t start = lx->pos;

	while (lx->pos < lx->len) {
		unsigned char c = lx->buf[lx->pos];

		if (c == '"')
			return lex_error(lx, lx->line, lx->col,
					 "'\"' inside a word: quote the whole pattern, or write '\\\"' to match a '\"'");
		if (ends_word(c))
			break;
		if (is_control(c))
			return control_error(lx, c,
					     lx->pos == start ? "between tokens" : "in a word");
		if (c == '\\') {
			int line = lx->line, col = lx->col;

			advance(lx);
			if (lx->pos >= lx->len || lx->buf[lx->pos] == '\n' ||
			    lx->buf[lx->pos] == '\r')
				return lex_error(lx, line, col,
						 "'\\' at the end of a line has nothing to escape");
			c = lx->buf[lx->pos];
			if (is_control(c))
				return control_error(lx, c, "after '\\'");
		}
		advance(lx);
	}
	tok->type = CGF_TOK_WORD;
	tok->text = lx->buf + start;
	tok->len = lx->pos - start;
	return 0;
}

int cgf_lex_next(struct cgf_lexer *lx, struct cgf_tok *tok)
{
	int ret = 0;

	skip_space_and_comments(lx);
	memset(tok, 0, sizeof(*tok));
	tok->line = lx->line;
	tok->col = lx->col;
	if (lx->pos >= lx->len) {
		tok->type = CGF_TOK_EOF;
	} else {
		switch (lx->buf[lx->pos]) {
		case '{':
			tok->type = CGF_TOK_LBRACE;
			break;
		case '}':
			tok->type = CGF_TOK_RBRACE;
			break;
		case ';':
			tok->type = CGF_TOK_SEMI;
			break;
		case '"':
			ret = lex_string(lx, tok);
			break;
		default:
			ret = lex_word(lx, tok);
			break;
		}
		if (!ret && tok->type != CGF_TOK_WORD && tok->type != CGF_TOK_STRING) {
			tok->text = lx->buf + lx->pos;
			tok->len = 1;
			advance(lx);
		}
	}
	tok->end_line = lx->line;
	tok->end_col = lx->col;
	return ret;
}

#define QUOTE_MAX	40

void cgf_quote_text(const char *s, size_t len, char *buf, size_t buf_len)
{
	size_t i, n = 0;
	char tmp[QUOTE_MAX * 4 + 8];

	for (i = 0; i < len && i < QUOTE_MAX; i++) {
		unsigned char c = s[i];

		if (is_control(c))
			n += snprintf(tmp + n, sizeof(tmp) - n, "\\x%02x", c);
		else
			tmp[n++] = c;
	}
	tmp[n] = '\0';
	snprintf(buf, buf_len, "'%s%s'", tmp, len > QUOTE_MAX ? "..." : "");
}

void cgf_tok_describe(const struct cgf_tok *tok, char *buf, size_t len)
{
	char q[QUOTE_MAX * 4 + 16];

	switch (tok->type) {
	case CGF_TOK_EOF:
		snprintf(buf, len, "end of file");
		break;
	case CGF_TOK_STRING:
		/* The single quotes of a word would look like part of a quoted string. */
		cgf_quote_text(tok->text, tok->len, q, sizeof(q));
		q[strlen(q) - 1] = '\0';
		snprintf(buf, len, "\"%s\"", q + 1);
		break;
	default:
		cgf_quote_text(tok->text, tok->len, buf, len);
		break;
	}
}
