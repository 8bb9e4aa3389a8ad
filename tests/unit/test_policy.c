// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the policy language: errors, rules, includes, limits and the shipped profiles. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgfence.h"
#include "policy.h"
#include "tap.h"
#include "util.h"

#define P	"profile t {\n mode enforce;\n"	/* lines 1-2: rules start on line 3 */

/* ---- policies that must be rejected: where, and a phrase of what ---- */

struct bad_case {
	const char *name;
	const char *text;
	const char *where;	/* "t.cgf:LINE:COL" */
	const char *phrase;
};

static const struct bad_case bad_cases[] = {
	/* Syntax around statements. */
	{ "missing ';' is reported just past the rule",
	  P " file {\n  allow r /etc/**\n  allow r /x;\n }\n}\n",
	  "t.cgf:4:18", "expected ';' after the file rule, found 'allow'" },
	{ "an escaped ';' is pointed out",
	  P " file { allow r /etc/a\\; }\n}\n", "t.cgf:3:23",
	  "the ';' here is escaped by the '\\' before it" },
	{ "empty file", "", "t.cgf:1:1",
	  "expected 'profile' (a policy file defines at least one profile), found end of file" },
	{ "comment-only file", "# nothing here\n", "t.cgf:2:1",
	  "expected 'profile' (a policy file defines at least one profile)" },
	{ "rule at top level", "allow r /x;\n", "t.cgf:1:1", "expected 'profile', found 'allow'" },
	{ "an object kind the module does not know",
	  P " file { allow r fifo:; }\n}\n", "t.cgf:3:17",
	  "unknown object kind (expected unreachable:, pipe:, socket:, anon_inode:, memfd:, nsfs:, mqueue: or abstract:)" },
	{ "an object kind is no pattern: no glob in it",
	  P " file { allow r pipe:*; }\n}\n", "t.cgf:3:17",
	  "a path pattern must start with '/'" },
	{ "profile without name", "profile {\n}\n", "t.cgf:1:9",
	  "expected a profile name after 'profile', found '{'" },
	{ "quoted profile name", "profile \"t\" {\n}\n", "t.cgf:1:9",
	  "expected a profile name after 'profile', found \"t\"" },
	{ "invalid profile name", "profile w@b {\n mode enforce;\n}\n", "t.cgf:1:10",
	  "invalid profile name 'w@b': a profile name has only letters, digits, '_', '.' and '-'" },
	{ "profile name of 64 characters",
	  "profile aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa { mode enforce; }\n",
	  "t.cgf:1:72", "profile name too long (the limit is 63 characters)" },
	{ "missing '{' after the profile name", "profile t mode enforce;\n", "t.cgf:1:11",
	  "expected '{' after 'profile t', found 'mode'" },
	{ "duplicate profile", "profile t { mode enforce; }\nprofile t { mode enforce; }\n",
	  "t.cgf:2:9", "profile 't' is already defined at t.cgf:1:1" },
	{ "unclosed profile", P, "t.cgf:3:1",
	  "expected '}' to close profile 't' (opened at 1:1), found end of file" },
	{ "unclosed section", P " file {\n", "t.cgf:4:1",
	  "expected '}' to close the file section (opened at 3:2), found end of file" },
	{ "missing mode", "profile t {\n file { }\n}\n", "t.cgf:1:1",
	  "profile 't' has no 'mode' statement (add 'mode enforce;' or 'mode complain;')" },
	{ "mode twice", P " mode complain;\n}\n", "t.cgf:3:2",
	  "'mode' is already set for profile 't' (at 2:2)" },
	{ "default twice", P " default allow;\n default deny;\n}\n", "t.cgf:4:2",
	  "'default' is already set for profile 't' (at 3:2)" },
	{ "unknown mode", "profile t {\n mode strict;\n}\n", "t.cgf:2:7",
	  "expected 'enforce' or 'complain' after 'mode', found 'strict'" },
	{ "unknown default", P " default maybe;\n}\n", "t.cgf:3:10",
	  "expected 'allow' or 'deny' after 'default', found 'maybe'" },
	{ "missing ';' after mode", "profile t {\n mode enforce\n}\n", "t.cgf:2:14",
	  "expected ';' after 'mode enforce', found '}'" },
	{ "rule outside a section", P " allow r /x;\n}\n", "t.cgf:3:2",
	  "a rule belongs in a 'file { }', 'mount { }', 'device { }' or 'kernel { }' section" },
	{ "unknown profile statement", P " files { }\n}\n", "t.cgf:3:2",
	  "expected 'mode', 'default', 'include', 'file', 'mount', 'device', 'kernel' or '}' in profile 't', found 'files'" },
	{ "unknown section statement", P " file { permit r /x; }\n}\n", "t.cgf:3:9",
	  "expected 'allow', 'deny', 'include' or '}' in the file section, found 'permit'" },
	{ "section without '{'", P " device allow;\n}\n", "t.cgf:3:9",
	  "expected '{' after 'device', found 'allow'" },

	/* Lexical errors. */
	{ "control character between tokens", "profile t {\x01\n}\n", "t.cgf:1:12",
	  "control character 0x01 between tokens" },
	{ "tab inside a quoted pattern", P " file { allow r \"/a\tb\"; }\n}\n", "t.cgf:3:20",
	  "control character 0x09 in a quoted string (a pattern matches it with '?')" },
	{ "quote inside a word", P " file { allow r /a\"b; }\n}\n", "t.cgf:3:19",
	  "'\"' inside a word: quote the whole pattern, or write '\\\"' to match a '\"'" },
	{ "unterminated quoted string", P " file { allow r \"/etc; }\n}\n", "t.cgf:3:17",
	  "unterminated quoted string (it must end on the line it starts)" },
	{ "backslash at the end of a line", P " file { allow r /a\\\n; }\n}\n", "t.cgf:3:19",
	  "'\\' at the end of a line has nothing to escape" },

	/* File rules. */
	{ "unknown file permission", P " file { allow q /etc; }\n}\n", "t.cgf:3:15",
	  "unknown file permission 'q' (expected letters from rwaxcdnlst, or 'all')" },
	{ "file permission twice", P " file { allow rr /etc; }\n}\n", "t.cgf:3:16",
	  "file permission 'r' is given twice" },
	{ "'all' is a word, not letters", P " file { allow allr /etc; }\n}\n", "t.cgf:3:17",
	  "file permission 'l' is given twice" },
	{ "permissions missing", P " file { allow /etc; }\n}\n", "t.cgf:3:15",
	  "expected file permissions (letters from rwaxcdnlst, or 'all') before the pattern, found '/etc'" },
	{ "pattern missing", P " file { allow r; }\n}\n", "t.cgf:3:16",
	  "expected a path pattern or an object kind after the permissions, found ';'" },
	{ "relative pattern", P " file { allow r etc; }\n}\n", "t.cgf:3:17",
	  "a path pattern must start with '/'" },
	{ "empty quoted pattern", P " file { allow r \"\"; }\n}\n", "t.cgf:3:18",
	  "empty path pattern" },
	{ "'**' inside a component", P " file { allow r /etc/a**; }\n}\n", "t.cgf:3:23",
	  "'**' must be a whole path component" },
	{ "'***'", P " file { allow r /***; }\n}\n", "t.cgf:3:18",
	  "'**' must be a whole path component" },
	{ "trailing slash", P " file { allow r /etc/; }\n}\n", "t.cgf:3:21", "trailing '/'" },
	{ "empty component", P " file { allow r /a//b; }\n}\n", "t.cgf:3:19",
	  "empty path component ('//')" },
	{ "'.' component", P " file { allow r /a/./b; }\n}\n", "t.cgf:3:20",
	  "'.' and '..' components never match" },
	{ "'..' component", P " file { allow r /a/..; }\n}\n", "t.cgf:3:20",
	  "'.' and '..' components never match" },
	{ "escaped '..' component", P " file { allow r /a/\\.\\.; }\n}\n", "t.cgf:3:20",
	  "'.' and '..' components never match" },
	{ "escaped slash", P " file { allow r /a\\/b; }\n}\n", "t.cgf:3:19",
	  "'\\/' can never match: a path component has no '/' in it" },
	{ "'}' right after a pattern is a missing ';'", P " file { allow r /x}\n}\n", "t.cgf:3:19",
	  "expected ';' after the file rule, found '}'" },
	{ "brace after a pattern", P " file { allow r /etc/{a,b}; }\n}\n", "t.cgf:3:22",
	  "'{' in a pattern: there is no alternation" },

	/* Mount rules. */
	{ "mount rule without anything", P " mount { allow; }\n}\n", "t.cgf:3:15",
	  "expected a mount operation or a filesystem type, found ';'" },
	{ "path where the fstype goes", P " mount { allow /a -> /b; }\n}\n", "t.cgf:3:16",
	  "expected a filesystem type, found the path '/a'" },
	{ "uppercase fstype", P " mount { allow Tmpfs -> /t; }\n}\n", "t.cgf:3:16",
	  "invalid filesystem type 'Tmpfs': a filesystem type has only lowercase letters" },
	{ "fstype of 64 characters",
	  P " mount { allow aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa -> /t; }\n}\n",
	  "t.cgf:3:79", "filesystem type too long (the limit is 63 characters)" },
	{ "glued arrow", P " mount { allow tmpfs->/tmp; }\n}\n", "t.cgf:3:21",
	  "'->' must stand apart, with a space on each side" },
	{ "glued arrow after a source", P " mount { allow bind /a ->/b; }\n}\n", "t.cgf:3:24",
	  "'->' must stand apart" },
	{ "missing target", P " mount { allow tmpfs -> ; }\n}\n", "t.cgf:3:25",
	  "expected a target path pattern, found ';'" },
	{ "missing arrow", P " mount { allow bind /a /b; }\n}\n", "t.cgf:3:24",
	  "expected '->' after the mount source, found '/b'" },
	{ "bind without a target", P " mount { allow bind -> ; }\n}\n", "t.cgf:3:24",
	  "expected a target path pattern, found ';'" },
	{ "bind from a name", P " mount { allow bind tmpfs -> /b; }\n}\n", "t.cgf:3:21",
	  "the source of 'bind' is a path pattern, starting with '/'" },
	{ "source name with a wildcard", P " mount { allow mount tmpfs tmp* -> /t; }\n}\n",
	  "t.cgf:3:31", "a source name is compared exactly, without wildcards or escapes" },
	{ "source name with a slash", P " mount { allow mount ext4 dev/sda -> /t; }\n}\n",
	  "t.cgf:3:30",
	  "a mount source is a path pattern starting with '/' or a name without any '/'" },
	{ "remount with an arrow", P " mount { allow remount /a -> /b; }\n}\n", "t.cgf:3:27",
	  "unexpected '->': 'remount' takes only a TARGET" },
	{ "operations of different shapes", P " mount { allow bind,remount /a; }\n}\n",
	  "t.cgf:3:21",
	  "mount operations 'bind' and 'remount' cannot share a rule ('bind' takes SOURCE -> TARGET, 'remount' takes TARGET)" },
	{ "'mount' in a list", P " mount { allow umount,mount /a; }\n}\n", "t.cgf:3:23",
	  "mount operations 'umount' and 'mount' cannot share a rule" },
	{ "operation twice", P " mount { allow bind,bind /a -> /b; }\n}\n", "t.cgf:3:21",
	  "mount operation 'bind' is given twice" },
	{ "unknown operation in a list", P " mount { allow bind,copy /a -> /b; }\n}\n",
	  "t.cgf:3:21",
	  "unknown mount operation 'copy' (expected mount, bind, rbind, move, remount, umount, propagation or pivot_root)" },
	{ "empty operation in a list", P " mount { allow bind, /a -> /b; }\n}\n", "t.cgf:3:21",
	  "unknown mount operation ''" },
	{ "word after the target", P " mount { allow tmpfs -> /tmp nosuid; }\n}\n", "t.cgf:3:29",
	  "expected 'options=', 'forbid=' or ';' after the mount rule, found 'nosuid'" },
	{ "spaces around '='", P " mount { allow tmpfs -> /tmp options = ro; }\n}\n",
	  "t.cgf:3:30", "write the option list right after '=', without spaces" },
	{ "empty option list", P " mount { allow tmpfs -> /tmp options=; }\n}\n", "t.cgf:3:38",
	  "expected mount option names after '='" },
	{ "empty option name", P " mount { allow tmpfs -> /tmp options=ro,,nodev; }\n}\n",
	  "t.cgf:3:41", "empty mount option name" },
	{ "unknown option", P " mount { allow tmpfs -> /tmp options=bogus; }\n}\n",
	  "t.cgf:3:38",
	  "unknown mount option 'bogus' (expected ro, nosuid, nodev, noexec, noatime, nodiratime, relatime, strictatime or sync)" },
	{ "option of the other sense", P " mount { allow remount /d forbid=suid; }\n}\n",
	  "t.cgf:3:34", "unknown mount option 'suid' (to forbid setuid, write options=nosuid)" },
	{ "option listed twice", P " mount { allow tmpfs -> /tmp options=ro,ro; }\n}\n",
	  "t.cgf:3:41", "mount option 'ro' is listed twice" },
	{ "option required and forbidden",
	  P " mount { allow tmpfs -> /t options=ro forbid=nodev,ro; }\n}\n",
	  "t.cgf:3:52", "mount option 'ro' is both required (options=) and forbidden (forbid=)" },
	{ "'options=' twice", P " mount { allow tmpfs -> /t options=ro options=nodev; }\n}\n",
	  "t.cgf:3:39", "'options=' is given twice" },
	{ "'forbid=' twice", P " mount { allow tmpfs -> /t forbid=ro forbid=nodev; }\n}\n",
	  "t.cgf:3:38", "'forbid=' is given twice" },
	{ "invalid target", P " mount { allow tmpfs -> /tmp/; }\n}\n", "t.cgf:3:29",
	  "trailing '/'" },

	/* Device rules. */
	{ "unknown device type", P " device { allow x 1:3 rw; }\n}\n", "t.cgf:3:17",
	  "expected a device type 'c', 'b' or '*', found 'x'" },
	{ "number without a colon", P " device { allow c 10 rw; }\n}\n", "t.cgf:3:19",
	  "expected MAJOR:MINOR after the device type (each a number or '*'), found '10'" },
	{ "major out of range", P " device { allow c 4096:1 rw; }\n}\n", "t.cgf:3:19",
	  "device major '4096' is out of range (0..4095, or '*')" },
	{ "minor out of range", P " device { allow c 1:1048576 rw; }\n}\n", "t.cgf:3:21",
	  "device minor '1048576' is out of range (0..1048575, or '*')" },
	{ "huge minor", P " device { allow c 1:99999999999999999999999 rw; }\n}\n", "t.cgf:3:21",
	  "is out of range" },
	{ "minor not a number", P " device { allow c 1:x rw; }\n}\n", "t.cgf:3:21",
	  "invalid device minor 'x' (expected a decimal number or '*')" },
	{ "negative major", P " device { allow c -1:3 rw; }\n}\n", "t.cgf:3:19",
	  "invalid device major '-1'" },
	{ "empty major", P " device { allow c :3 rw; }\n}\n", "t.cgf:3:19",
	  "found an empty device major" },
	{ "unknown device access", P " device { allow c 1:3 rwx; }\n}\n", "t.cgf:3:25",
	  "unknown device access 'x' (expected letters from rwm)" },
	{ "unknown kernel operation", P " kernel { allow bpf kexe; }\n}\n", "t.cgf:3:21",
	  "unknown kernel operation 'kexe' (expected module, kexec, reboot, bpf, perf, lockdown, quota, fanotify, tty_inject, ptrace, signal, syslog, time, sched or all)" },
	{ "kernel operation twice", P " kernel { deny perf bpf perf; }\n}\n", "t.cgf:3:25",
	  "kernel operation 'perf' is given twice in one rule" },
	{ "kernel rule without operation", P " kernel { allow; }\n}\n", "t.cgf:3:16",
	  "expected a kernel operation (module, kexec, reboot, bpf, perf, lockdown, quota, fanotify, tty_inject, ptrace, signal, syslog, time, sched or all), found ';'" },
	{ "kernel rule without ';'", P " kernel { allow ptrace }\n}\n", "t.cgf:3:23",
	  "expected ';' after the kernel rule, found '}'" },
	{ "a kernel operation outside a kernel section", P " device { allow ptrace; }\n}\n",
	  "t.cgf:3:17", "expected a device type 'c', 'b' or '*', found 'ptrace'" },
	{ "device access twice", P " device { allow c 1:3 rwr; }\n}\n", "t.cgf:3:25",
	  "device access 'r' is given twice" },
	{ "device access missing", P " device { allow c 1:3; }\n}\n", "t.cgf:3:22",
	  "expected device access letters (from rwm) after MAJOR:MINOR, found ';'" },
	{ "missing ';' after a device rule", P " device { allow c 1:3 rw }\n}\n", "t.cgf:3:25",
	  "expected ';' after the device rule, found '}'" },

	/* Includes within one text. */
	{ "include of a missing profile", P " include nosuch;\n}\n", "t.cgf:3:2",
	  "no profile 'nosuch' in t.cgf, and no nosuch.cgf in the search path ("
	  CGF_POLICY_SYSTEM_DIR ")" },
	{ "include of itself", P " include t;\n}\n", "t.cgf:3:2", "profile 't' includes itself" },
	{ "include cycle",
	  "profile a {\n mode enforce;\n include b;\n}\nprofile b {\n mode enforce;\n include a;\n}\n",
	  "t.cgf:7:2", "include cycle: a -> b -> a (included from t.cgf:3:2)" },
	{ "include cycle through sections",
	  "profile a {\n mode enforce;\n file { include b; }\n}\n"
	  "profile b {\n mode enforce;\n device { include c; }\n}\n"
	  "profile c {\n mode enforce;\n mount { include a; }\n}\n",
	  "t.cgf:11:10", "include cycle: a -> b -> c -> a (included from t.cgf:7:11, t.cgf:3:9)" },
	{ "include with an invalid name", P " include a/b;\n}\n", "t.cgf:3:11",
	  "invalid profile name 'a/b'" },
	{ "include without a name", P " include;\n}\n", "t.cgf:3:9",
	  "expected a profile name after 'include', found ';'" },
	{ "include without ';'", P " include x\n}\n", "t.cgf:3:11",
	  "expected ';' after 'include NAME', found '}'" },
	{ "error reached through an include",
	  "profile a {\n mode enforce;\n include b;\n}\nprofile b {\n mode enforce;\n include gone;\n}\n",
	  "t.cgf:7:2",
	  "no profile 'gone' in t.cgf, and no gone.cgf in the search path (" CGF_POLICY_SYSTEM_DIR
	  ") (included from t.cgf:3:2)" },
};

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The message must start with exactly "WHERE: error: " and contain the phrase. */
static bool error_is(int ret, const char *err, const char *where, const char *phrase)
{
	char prefix[256];

	snprintf(prefix, sizeof(prefix), "%s: error: ", where);
	if (ret == -EINVAL && starts_with(err, prefix) && strstr(err, phrase))
		return true;
	tap_diag("  ret: %d", ret);
	tap_diag("  got:  %s", err);
	tap_diag("  want: %s... %s", prefix, phrase);
	return false;
}

static void test_bad_cases(void)
{
	struct cgf_policy pol;
	char err[CGF_POLICY_ERR_MAX];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		ret = cgf_policy_parse_string("t.cgf", c->text, NULL, &pol, err, sizeof(err));
		tap_ok(error_is(ret, err, c->where, c->phrase) && !pol.nr_profiles && !pol.arena,
		       "rejects: %s", c->name);
		cgf_policy_free(&pol);
	}
}

/* ---- policies that must compile, rule by rule ---- */

#define ALLOW	CGFENCE_EFFECT_ALLOW
#define DENY	CGFENCE_EFFECT_DENY
#define TARGET_OPS \
	(CGFENCE_MOUNT_REMOUNT | CGFENCE_MOUNT_UMOUNT | CGFENCE_MOUNT_PROPAGATION | \
	 CGFENCE_MOUNT_PIVOT_ROOT)

#define FRULE(i, eff, perms, pat, l, c) \
	{ .id = (i), .kind = CGFENCE_RULE_FILE, .effect = (eff), .file_perms = (perms), \
	  .path = (pat), .src_line = (l), .src_col = (c) }
#define MRULE(i, eff, ops, fs, src, tgt, req, forb, l, c) \
	{ .id = (i), .kind = CGFENCE_RULE_MOUNT, .effect = (eff), .mount_ops = (ops), \
	  .fstype = (fs), .source = (src), .target = (tgt), .mount_require = (req), \
	  .mount_forbid = (forb), .src_line = (l), .src_col = (c) }
#define DRULE(i, eff, type, maj, min, acc, l, c) \
	{ .id = (i), .kind = CGFENCE_RULE_DEVICE, .effect = (eff), .dev_type = (type), \
	  .dev_major = (maj), .dev_minor = (min), .dev_access = (acc), .src_line = (l), \
	  .src_col = (c) }

#define RW	(CGFENCE_FILE_READ | CGFENCE_FILE_WRITE | CGFENCE_FILE_APPEND)
#define W	(CGFENCE_FILE_WRITE | CGFENCE_FILE_APPEND)
#define ANY	CGFENCE_DEV_ANY
#define CHR	CGFENCE_DEV_CHAR
#define BLK	CGFENCE_DEV_BLOCK
#define DRW	(CGFENCE_DEV_READ | CGFENCE_DEV_WRITE)
#define DRWM	(CGFENCE_DEV_READ | CGFENCE_DEV_WRITE | CGFENCE_DEV_MKNOD)

struct good_case {
	const char *name;
	const char *text;
	const char *profile;	/* the profile checked: the first one when NULL */
	uint8_t mode, file_default;
	size_t nr_rules;
	const struct cgf_policy_rule *rules;
};

/* The example of policy/README.md, with the profiles it includes in the same file. */
static const char web_text[] =
	"# comments run to the end of the line\n"
	"profile web {\n"
	"    mode enforce;\n"
	"    default deny;\n"
	"    include base;\n"
	"    file {\n"
	"        allow r    /etc/**;\n"
	"        allow rwc  /var/www/**;\n"
	"        deny  w    /proc/sys/**;\n"
	"        allow r    \"/srv/my files/*\";   # quoted\n"
	"        include dd;\n"
	"    }\n"
	"    mount {\n"
	"        allow tmpfs -> /tmp options=nosuid,nodev;\n"
	"        allow mount proc proc -> /proc;\n"
	"        allow bind /srv/data -> /data options=ro;\n"
	"        allow remount /data options=ro forbid=strictatime;\n"
	"        deny  * -> /proc/**;\n"
	"    }\n"
	"    device {\n"
	"        include dd;\n"
	"        allow c 10:200 rw;\n"
	"        deny  b *:* rwm;\n"
	"    }\n"
	"}\n"
	"profile base {\n"
	"    mode complain;\n"
	"    default allow;\n"
	"    file { allow x /usr/bin/*; }\n"
	"    device { allow c 1:3 rwm; }\n"
	"}\n"
	"profile dd {\n"
	"    mode enforce;\n"
	"    device { deny c 10:229 rwm; }\n"
	"    file { deny all /proc/kcore; }\n"
	"}\n";

static const struct cgf_policy_rule web_rules[] = {
	FRULE(1, ALLOW, CGFENCE_FILE_EXEC, "/usr/bin/*", 29, 12),
	DRULE(2, ALLOW, CHR, 1, 3, DRWM, 30, 14),
	FRULE(3, ALLOW, CGFENCE_FILE_READ, "/etc/**", 7, 9),
	FRULE(4, ALLOW, RW | CGFENCE_FILE_CREATE, "/var/www/**", 8, 9),
	FRULE(5, DENY, W, "/proc/sys/**", 9, 9),
	FRULE(6, ALLOW, CGFENCE_FILE_READ, "/srv/my files/*", 10, 9),
	FRULE(7, DENY, CGFENCE_FILE_ALL, "/proc/kcore", 35, 12),
	MRULE(8, ALLOW, CGFENCE_MOUNT_NEW, "tmpfs", NULL, "/tmp",
	      CGFENCE_MOPT_NOSUID | CGFENCE_MOPT_NODEV, 0, 14, 9),
	MRULE(9, ALLOW, CGFENCE_MOUNT_NEW, "proc", "proc", "/proc", 0, 0, 15, 9),
	MRULE(10, ALLOW, CGFENCE_MOUNT_BIND, NULL, "/srv/data", "/data", CGFENCE_MOPT_RO, 0,
	      16, 9),
	MRULE(11, ALLOW, CGFENCE_MOUNT_REMOUNT, NULL, NULL, "/data", CGFENCE_MOPT_RO,
	      CGFENCE_MOPT_STRICTATIME, 17, 9),
	MRULE(12, DENY, CGFENCE_MOUNT_NEW, NULL, NULL, "/proc/**", 0, 0, 18, 9),
	DRULE(13, DENY, CHR, 10, 229, DRWM, 34, 14),
	DRULE(14, ALLOW, CHR, 10, 200, DRW, 22, 9),
	DRULE(15, DENY, BLK, ANY, ANY, DRWM, 23, 9),
};

static const struct cgf_policy_rule perm_rules[] = {
	FRULE(1, ALLOW, CGFENCE_FILE_READ, "/r", 5, 2),
	FRULE(2, ALLOW, W, "/w", 6, 2),
	FRULE(3, ALLOW, CGFENCE_FILE_APPEND, "/a", 7, 2),
	FRULE(4, ALLOW, CGFENCE_FILE_EXEC, "/x", 8, 2),
	FRULE(5, ALLOW, CGFENCE_FILE_CREATE, "/c", 9, 2),
	FRULE(6, ALLOW, CGFENCE_FILE_DELETE, "/d", 10, 2),
	FRULE(7, ALLOW, CGFENCE_FILE_RENAME, "/n", 11, 2),
	FRULE(8, ALLOW, CGFENCE_FILE_LINK, "/l", 12, 2),
	FRULE(9, ALLOW, CGFENCE_FILE_SETATTR, "/s", 13, 2),
	FRULE(10, ALLOW, CGFENCE_FILE_TRUNCATE, "/t", 14, 2),
	FRULE(11, DENY, CGFENCE_FILE_ALL, "/all", 15, 2),
	FRULE(12, DENY, CGFENCE_FILE_ALL, "/every", 16, 2),
	FRULE(13, DENY, W | CGFENCE_FILE_EXEC, "/wa", 17, 2),
	FRULE(14, ALLOW, CGFENCE_FILE_ALL, "/", 18, 2),
};

static const struct cgf_policy_rule pattern_rules[] = {
	FRULE(1, ALLOW, CGFENCE_FILE_READ, "/srv/my files/*", 4, 2),
	FRULE(2, ALLOW, CGFENCE_FILE_READ, "/srv/my\\ files/x\\*", 5, 2),
	FRULE(3, ALLOW, CGFENCE_FILE_READ, "/a\\\"b\\\\c", 6, 2),
	FRULE(4, ALLOW, CGFENCE_FILE_READ, "/a#b", 7, 2),
	FRULE(5, ALLOW, CGFENCE_FILE_READ, "/x\\;y\\{z\\}", 8, 2),
	FRULE(6, ALLOW, CGFENCE_FILE_READ, "/**/?.conf", 9, 2),
	FRULE(7, ALLOW, CGFENCE_FILE_READ, "/a/**/b", 10, 2),
	FRULE(8, ALLOW, CGFENCE_FILE_READ, "/d/\\**", 11, 2),
	FRULE(9, ALLOW, CGFENCE_FILE_READ, "/.../.x/x.", 12, 2),
	FRULE(10, ALLOW, CGFENCE_FILE_READ, "/caf\xc3\xa9", 13, 2),
};

static const struct cgf_policy_rule kind_rules[] = {
	FRULE(1, ALLOW, CGFENCE_FILE_EXEC, CGFENCE_OBJECT_MEMFD, 4, 2),
	FRULE(2, DENY, CGFENCE_FILE_READ, CGFENCE_OBJECT_PIPE, 5, 2),
	FRULE(3, ALLOW, CGFENCE_FILE_READ, CGFENCE_OBJECT_UNREACHABLE, 6, 2),
	FRULE(4, DENY, CGFENCE_FILE_ALL, CGFENCE_OBJECT_SOCKET, 7, 2),
	FRULE(5, ALLOW, CGFENCE_FILE_READ, CGFENCE_OBJECT_ANON_INODE, 8, 2),
	FRULE(6, DENY, CGFENCE_FILE_READ, CGFENCE_OBJECT_NSFS, 9, 2),
	FRULE(7, DENY, CGFENCE_FILE_WRITE | CGFENCE_FILE_APPEND, CGFENCE_OBJECT_MQUEUE, 10, 2),
};

/* mount(2) bind and move sources reach the module unresolved: only a source-less rule allows them. */
static const struct cgf_policy_rule any_source_rules[] = {
	MRULE(1, ALLOW, CGFENCE_MOUNT_BIND, NULL, NULL, "/data/**", 0, 0, 4, 2),
	MRULE(2, ALLOW, CGFENCE_MOUNT_BIND | CGFENCE_MOUNT_RBIND, NULL, NULL, "/x", 0, 0, 5, 2),
	MRULE(3, DENY, CGFENCE_MOUNT_MOVE, NULL, NULL, "/proc/**", 0, 0, 6, 2),
};

static const struct cgf_policy_rule mount_rules[] = {
	MRULE(1, ALLOW, CGFENCE_MOUNT_NEW, "tmpfs", NULL, "/tmp", 0, 0, 4, 2),
	MRULE(2, ALLOW, CGFENCE_MOUNT_NEW, "tmpfs", "tmpfs", "/run", 0, 0, 5, 2),
	MRULE(3, ALLOW, CGFENCE_MOUNT_NEW, "ext4", "/dev/sd?1", "/mnt/*", 0, 0, 6, 2),
	MRULE(4, DENY, CGFENCE_MOUNT_NEW, NULL, NULL, "/proc/**", 0, 0, 7, 2),
	MRULE(5, ALLOW, CGFENCE_MOUNT_NEW, "fuse.sshfs", "user@host", "/home/u/remote", 0,
	      CGFENCE_MOPT_ALL & ~CGFENCE_MOPT_RO, 8, 2),
	MRULE(6, ALLOW, CGFENCE_MOUNT_BIND, NULL, "/srv/a", "/a", CGFENCE_MOPT_ALL, 0, 9, 2),
	MRULE(7, ALLOW, CGFENCE_MOUNT_RBIND, NULL, "/srv/b", "/b", 0, 0, 10, 2),
	MRULE(8, ALLOW, CGFENCE_MOUNT_MOVE, NULL, "/m1", "/m2", 0, 0, 11, 2),
	MRULE(9, ALLOW, CGFENCE_MOUNT_BIND | CGFENCE_MOUNT_RBIND | CGFENCE_MOUNT_MOVE, NULL,
	      "/s", "/t", 0, 0, 12, 2),
	MRULE(10, ALLOW, CGFENCE_MOUNT_REMOUNT, NULL, NULL, "/data", CGFENCE_MOPT_RO,
	      CGFENCE_MOPT_NOSUID, 13, 2),
	MRULE(11, ALLOW, CGFENCE_MOUNT_UMOUNT, NULL, NULL, "/mnt/**", 0, 0, 14, 2),
	MRULE(12, ALLOW, CGFENCE_MOUNT_PROPAGATION, NULL, NULL, "/", 0, 0, 15, 2),
	MRULE(13, ALLOW, CGFENCE_MOUNT_PIVOT_ROOT, NULL, NULL, "/newroot", 0, 0, 16, 2),
	MRULE(14, DENY, TARGET_OPS, NULL, NULL, "/sys/**", 0, CGFENCE_MOPT_RO, 17, 2),
	MRULE(15, ALLOW, CGFENCE_MOUNT_NEW, "overlay", "my overlay", "/merged dir", 0, 0, 18, 2),
	MRULE(16, ALLOW, CGFENCE_MOUNT_NEW, "bind", NULL, "/x", 0, 0, 19, 2),
};

static const struct cgf_policy_rule device_rules[] = {
	DRULE(1, ALLOW, CHR, 1, 3, CGFENCE_DEV_READ, 4, 3),
	DRULE(2, ALLOW, BLK, 8, 0, CGFENCE_DEV_WRITE, 5, 3),
	DRULE(3, ALLOW, CHR | BLK, ANY, ANY, CGFENCE_DEV_MKNOD, 6, 3),
	DRULE(4, ALLOW, CHR, 136, ANY, DRWM, 7, 3),
	DRULE(5, DENY, CHR, ANY, 5, DRW, 8, 3),
	DRULE(6, ALLOW, CHR, 4095, 1048575, DRWM, 9, 3),
	DRULE(7, ALLOW, CHR, 0, 0, DRWM, 10, 3),
	DRULE(8, ALLOW, CHR, 10, 200, DRWM, 11, 3),
};

#define KRULE(i, eff, ops, l, c) \
	{ .id = (i), .kind = CGFENCE_RULE_KERNEL, .effect = (eff), .kernel_ops = (ops), \
	  .src_line = (l), .src_col = (c) }

static const struct cgf_policy_rule kernel_rules[] = {
	KRULE(1, ALLOW, CGFENCE_KERNEL_PERF, 4, 3),
	KRULE(2, ALLOW, CGFENCE_KERNEL_PTRACE | CGFENCE_KERNEL_SIGNAL | CGFENCE_KERNEL_BPF, 5, 3),
	KRULE(3, DENY, CGFENCE_KERNEL_ALL, 6, 3),
	KRULE(4, ALLOW, CGFENCE_KERNEL_MODULE | CGFENCE_KERNEL_KEXEC | CGFENCE_KERNEL_REBOOT |
		  CGFENCE_KERNEL_LOCKDOWN | CGFENCE_KERNEL_QUOTA | CGFENCE_KERNEL_FANOTIFY |
		  CGFENCE_KERNEL_TTY_INJECT | CGFENCE_KERNEL_SYSLOG | CGFENCE_KERNEL_TIME |
		  CGFENCE_KERNEL_SCHED, 7, 3),
};

/* Forward references, section includes and the same profile included twice. */
static const char include_text[] =
	"profile main {\n"
	" mode enforce;\n"
	" device { include lib; }\n"
	" file { include lib; allow r /main; }\n"
	" include lib;\n"
	" include empty;\n"
	"}\n"
	"profile lib {\n"
	" mode complain;\n"
	" default allow;\n"
	" file { allow r /lib; }\n"
	" mount { allow umount /lib; }\n"
	" device { allow c 1:3 rw; }\n"
	" file { allow w /lib2; }\n"
	"}\n"
	"profile empty { mode enforce; file { } mount { } device { } }\n";

static const struct cgf_policy_rule include_rules[] = {
	DRULE(1, ALLOW, CHR, 1, 3, DRW, 13, 11),
	FRULE(2, ALLOW, CGFENCE_FILE_READ, "/lib", 11, 9),
	FRULE(3, ALLOW, W, "/lib2", 14, 9),
	FRULE(4, ALLOW, CGFENCE_FILE_READ, "/main", 4, 22),
	FRULE(5, ALLOW, CGFENCE_FILE_READ, "/lib", 11, 9),
	MRULE(6, ALLOW, CGFENCE_MOUNT_UMOUNT, NULL, NULL, "/lib", 0, 0, 12, 10),
	DRULE(7, ALLOW, CHR, 1, 3, DRW, 13, 11),
	FRULE(8, ALLOW, W, "/lib2", 14, 9),
};

static const struct good_case good_cases[] = {
	{ "the README example", web_text, "web", CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_DENY,
	  ARRAY_SIZE(web_rules), web_rules },
	{ "every file permission",
	  P " default allow;\n file {\n"
	  "\tallow r /r;\n\tallow w /w;\n\tallow a /a;\n\tallow x /x;\n\tallow c /c;\n"
	  "\tallow d /d;\n\tallow n /n;\n\tallow l /l;\n\tallow s /s;\n\tallow t /t;\n"
	  "\tdeny all /all;\n\tdeny rwaxcdnlst /every;\n\tdeny wax /wa;\n\tallow all /;\n"
	  " }\n}\n",
	  NULL, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_ALLOW, ARRAY_SIZE(perm_rules), perm_rules },
	{ "quoted patterns and escapes",
	  "profile t {\r\n mode complain;\r\n file {\n"
	  "\tallow r \"/srv/my files/*\";\n"
	  "\tallow r /srv/my\\ files/x\\*;\n"
	  "\tallow r \"/a\\\"b\\\\c\";\n"
	  "\tallow r /a#b;# a comment right after the ';'\n"
	  "\tallow r /x\\;y\\{z\\};\n"
	  "\tallow r /**/?.conf;\n"
	  " allow\tr\t/a/**/b\t;\n"
	  "\tallow r /d/\\**;\n"
	  "\tallow r /.../.x/x.;\n"
	  "\tallow r /caf\xc3\xa9;\n"
	  " }\n}\n",
	  NULL, CGFENCE_MODE_COMPLAIN, CGFENCE_EFFECT_DENY, ARRAY_SIZE(pattern_rules),
	  pattern_rules },
	{ "object kinds instead of patterns",
	  P " file {\n"
	  "\tallow x memfd:;\n"
	  "\tdeny  r pipe:;\n"
	  "\tallow r unreachable:;\n"
	  "\tdeny all socket:;\n"
	  "\tallow r anon_inode:;\n"
	  "\tdeny r nsfs:;\n"
	  "\tdeny w mqueue:;\n"
	  " }\n}\n",
	  NULL, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_DENY, ARRAY_SIZE(kind_rules), kind_rules },
	{ "bind, rbind and move without a source",
	  P " mount {\n"
	  "\tallow bind -> /data/**;\n"
	  "\tallow bind,rbind -> /x;\n"
	  "\tdeny move -> /proc/**;\n"
	  " }\n}\n",
	  NULL, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_DENY, ARRAY_SIZE(any_source_rules),
	  any_source_rules },
	{ "every mount form",
	  P " mount {\n"
	  "\tallow tmpfs -> /tmp;\n"
	  "\tallow mount tmpfs tmpfs -> /run;\n"
	  "\tallow ext4 /dev/sd?1 -> /mnt/*;\n"
	  "\tdeny * -> /proc/**;\n"
	  "\tallow fuse.sshfs user@host -> /home/u/remote forbid=nosuid,nodev,noexec,noatime,nodiratime,relatime,strictatime,sync;\n"
	  "\tallow bind /srv/a -> /a options=sync,strictatime,relatime,nodiratime,noatime,noexec,nodev,nosuid,ro;\n"
	  "\tallow rbind /srv/b -> /b;\n"
	  "\tallow move /m1 -> /m2;\n"
	  "\tallow move,rbind,bind /s -> /t;\n"
	  "\tallow remount /data forbid=nosuid options=ro;\n"
	  "\tallow umount /mnt/**;\n"
	  "\tallow propagation /;\n"
	  "\tallow pivot_root /newroot;\n"
	  "\tdeny remount,umount,propagation,pivot_root /sys/** forbid=ro;\n"
	  "\tallow overlay \"my overlay\" -> \"/merged dir\";\n"
	  "\tallow mount bind -> /x;\n"
	  " }\n}\n",
	  NULL, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_DENY, ARRAY_SIZE(mount_rules), mount_rules },
	{ "every device form",
	  P " device {\n"
	  "\t allow c 1:3 r;\n"
	  "\t allow b 8:0 w;\n"
	  "\t allow * *:* m;\n"
	  "\t allow c 136:* mwr;\n"
	  "\t deny c *:5 rw;\n"
	  "\t allow c 4095:1048575 rwm;\n"
	  "\t allow c 00:0 rwm;\n"
	  "\t allow c 010:200 rwm;\n"
	  " }\n}\n",
	  NULL, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_DENY, ARRAY_SIZE(device_rules), device_rules },
	{ "every kernel form",
	  P " kernel {\n"
	  "\t allow perf;\n"
	  "\t allow signal ptrace bpf;\n"
	  "\t deny all;\n"
	  "\t allow module kexec reboot lockdown quota fanotify tty_inject syslog time sched;\n"
	  " }\n}\n",
	  NULL, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_DENY, ARRAY_SIZE(kernel_rules), kernel_rules },
	{ "includes in one file", include_text, "main", CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_DENY,
	  ARRAY_SIZE(include_rules), include_rules },
	{ "an empty profile", "profile e.m_p-ty { mode complain; default allow; }", NULL,
	  CGFENCE_MODE_COMPLAIN, CGFENCE_EFFECT_ALLOW, 0, NULL },
};

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Every field of @r on one line, for a diagnostic. */
static void describe(const char *label, const struct cgf_policy_rule *r, const char *src_file)
{
	char text[512];

	cgf_policy_format_rule(text, sizeof(text), r);
	tap_diag("  %s %s (id %u, perms %#x, ops %#x, req %#x, forbid %#x, type %u, access %#x)",
		 label, text, r->id, r->file_perms, r->mount_ops, r->mount_require,
		 r->mount_forbid, r->dev_type, r->dev_access);
	tap_diag("  %s at %s:%d:%d", label, src_file, r->src_line, r->src_col);
}

/* Compares every field; with @origin also the file (@src_file), line and column. */
static bool rule_eq(const struct cgf_policy_rule *got, const struct cgf_policy_rule *want,
		    const char *src_file, bool origin)
{
	if (got->id == want->id && got->kind == want->kind && got->effect == want->effect &&
	    got->file_perms == want->file_perms && str_eq(got->path, want->path) &&
	    got->mount_ops == want->mount_ops && got->mount_require == want->mount_require &&
	    got->mount_forbid == want->mount_forbid && str_eq(got->fstype, want->fstype) &&
	    str_eq(got->source, want->source) && str_eq(got->target, want->target) &&
	    got->dev_type == want->dev_type && got->dev_access == want->dev_access &&
	    got->dev_major == want->dev_major && got->dev_minor == want->dev_minor &&
	    got->kernel_ops == want->kernel_ops &&
	    (!origin || (str_eq(got->src_file, src_file) && got->src_line == want->src_line &&
			 got->src_col == want->src_col)))
		return true;
	describe("got: ", got, got->src_file);
	describe("want:", want, src_file);
	return false;
}

static const struct cgf_policy_profile *find(const struct cgf_policy *pol, const char *name)
{
	size_t i;

	if (!name)
		return pol->nr_profiles ? &pol->profiles[0] : NULL;
	for (i = 0; i < pol->nr_profiles; i++)
		if (!strcmp(pol->profiles[i].name, name))
			return &pol->profiles[i];
	return NULL;
}

static bool rules_eq(const struct cgf_policy_profile *got,
		     const struct cgf_policy_rule *want, size_t nr, const char *src_file,
		     bool origin)
{
	bool ok = true;
	size_t i;

	if (got->nr_rules != nr) {
		tap_diag("  %zu rules, want %zu", got->nr_rules, nr);
		return false;
	}
	for (i = 0; i < nr; i++)
		ok &= rule_eq(&got->rules[i], &want[i], src_file, origin);
	return ok;
}

/*
 * Writes @prof as text and parses it back: the rules must be the same, ids included.
 * Origins differ (the text is new), so they are not compared.
 */
static bool round_trip(const struct cgf_policy_profile *prof)
{
	struct cgf_policy again;
	char err[CGF_POLICY_ERR_MAX];
	char *text = NULL;
	size_t len = 0;
	bool ok = false;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return false;
	if (cgf_policy_write_profile(f, prof, CGF_POLICY_WRITE_ORIGIN)) {
		fclose(f);
		free(text);
		return false;
	}
	fclose(f);
	if (cgf_policy_parse_string("printed.cgf", text, NULL, &again, err, sizeof(err))) {
		tap_diag("  printed text does not parse: %s", err);
		tap_diag("%s", text);
	} else if (again.nr_profiles == 1 && !strcmp(again.profiles[0].name, prof->name) &&
		   again.profiles[0].mode == prof->mode &&
		   again.profiles[0].file_default == prof->file_default) {
		ok = rules_eq(&again.profiles[0], prof->rules, prof->nr_rules, NULL, false);
		if (!ok)
			tap_diag("%s", text);
	}
	cgf_policy_free(&again);
	free(text);
	return ok;
}

static void test_good_cases(void)
{
	const struct cgf_policy_profile *prof;
	char err[CGF_POLICY_ERR_MAX];
	struct cgf_policy pol;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(good_cases); i++) {
		const struct good_case *c = &good_cases[i];

		ret = cgf_policy_parse_string("t.cgf", c->text, NULL, &pol, err, sizeof(err));
		if (!tap_ok(!ret, "parses: %s", c->name)) {
			tap_diag("  %s", err);
			tap_skip("it did not parse", "compiles: %s", c->name);
			tap_skip("it did not parse", "round trip: %s", c->name);
			continue;
		}
		prof = find(&pol, c->profile);
		tap_ok(prof && prof->mode == c->mode && prof->file_default == c->file_default &&
		       !strcmp(prof->src_file, "t.cgf") &&
		       rules_eq(prof, c->rules, c->nr_rules, "t.cgf", true),
		       "compiles: %s", c->name);
		tap_ok(prof && round_trip(prof), "round trip: %s", c->name);
		cgf_policy_free(&pol);
	}
}

/* ---- rule counts and kinds ---- */

static void test_counts(void)
{
	char err[CGF_POLICY_ERR_MAX];
	struct cgf_policy pol;
	const struct cgf_policy_profile *p;
	int ret;

	ret = cgf_policy_parse_string("t.cgf", web_text, NULL, &pol, err, sizeof(err));
	p = ret ? NULL : find(&pol, "web");
	tap_ok(p && p->nr_rules == 15 && p->nr_file == 6 && p->nr_mount == 5 &&
	       p->nr_device == 4 && p->src_line == 2 && p->src_col == 1,
	       "profile counts rules by kind and remembers where it starts");
	p = ret ? NULL : find(&pol, "base");
	tap_ok(pol.nr_profiles == 3 && p && p->mode == CGFENCE_MODE_COMPLAIN &&
	       p->file_default == CGFENCE_EFFECT_ALLOW && p->nr_rules == 2 &&
	       p->rules[0].id == 1,
	       "every profile of a file is compiled on its own, with ids from 1");
	cgf_policy_free(&pol);

	ret = cgf_policy_parse_string("t.cgf", P "}\n", NULL, &pol, err, sizeof(err));
	tap_ok(!ret && pol.profiles[0].file_default == CGFENCE_EFFECT_DENY,
	       "the file default is deny when the profile does not say");
	cgf_policy_free(&pol);
}

/* ---- printing ---- */

static void test_format(void)
{
	static const struct {
		const char *text;	/* a rule in a section */
		uint8_t kind;
		const char *want;	/* how it prints */
	} cases[] = {
		{ "allow rwc  /var/www/**;", CGFENCE_RULE_FILE, "allow rwc /var/www/**;" },
		{ "deny tsnldcxawr /x;", CGFENCE_RULE_FILE, "deny all /x;" },
		{ "deny wa /x;", CGFENCE_RULE_FILE, "deny w /x;" },
		{ "allow a /x;", CGFENCE_RULE_FILE, "allow a /x;" },
		{ "allow r \"/my files\";", CGFENCE_RULE_FILE, "allow r \"/my files\";" },
		{ "allow r /my\\ files;", CGFENCE_RULE_FILE, "allow r \"/my\\ files\";" },
		{ "allow r /a\\;b;", CGFENCE_RULE_FILE, "allow r /a\\;b;" },
		{ "allow r \"/a;b\";", CGFENCE_RULE_FILE, "allow r \"/a;b\";" },
		{ "allow r \"/a{b}\";", CGFENCE_RULE_FILE, "allow r \"/a{b}\";" },
		{ "allow tmpfs -> /tmp options=nodev,nosuid;", CGFENCE_RULE_MOUNT,
		  "allow mount tmpfs -> /tmp options=nosuid,nodev;" },
		{ "deny * -> /proc/**;", CGFENCE_RULE_MOUNT, "deny mount * -> /proc/**;" },
		{ "allow mount tmpfs \"->\" -> /x;", CGFENCE_RULE_MOUNT,
		  "allow mount tmpfs \"->\" -> /x;" },
		{ "allow mount tmpfs \"#x\" -> /x;", CGFENCE_RULE_MOUNT,
		  "allow mount tmpfs \"#x\" -> /x;" },
		{ "allow rbind,bind /a -> /b forbid=ro;", CGFENCE_RULE_MOUNT,
		  "allow bind,rbind /a -> /b forbid=ro;" },
		{ "allow pivot_root,umount /x;", CGFENCE_RULE_MOUNT,
		  "allow umount,pivot_root /x;" },
		{ "deny * *:* mwr;", CGFENCE_RULE_DEVICE, "deny * *:* rwm;" },
		{ "allow c 136:* rw;", CGFENCE_RULE_DEVICE, "allow c 136:* rw;" },
	};
	char text[512], buf[512];
	char err[CGF_POLICY_ERR_MAX];
	struct cgf_policy pol;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text), P " %s { %s }\n}\n",
			 cgf_policy_kind_name(cases[i].kind), cases[i].text);
		buf[0] = '\0';
		if (!cgf_policy_parse_string("t.cgf", text, NULL, &pol, err, sizeof(err))) {
			cgf_policy_format_rule(buf, sizeof(buf), &pol.profiles[0].rules[0]);
			cgf_policy_free(&pol);
		} else {
			tap_diag("  %s", err);
		}
		tap_is_str(buf, cases[i].want, "prints: %s", cases[i].text);
	}

	if (!cgf_policy_parse_string("t.cgf", P " file { allow r /abcdef; }\n}\n", NULL, &pol,
				     err, sizeof(err))) {
		n = cgf_policy_format_rule(buf, 8, &pol.profiles[0].rules[0]);
		tap_ok(n == strlen("allow r /abcdef;") && !strcmp(buf, "allow r"),
		       "a short buffer gets a cut, terminated text and the full length");
		n = cgf_policy_format_rule(NULL, 0, &pol.profiles[0].rules[0]);
		tap_is_int(n, strlen("allow r /abcdef;"), "a NULL buffer only measures");
		cgf_policy_free(&pol);
	} else {
		tap_ok(false, "a short buffer gets a cut, terminated text and the full length");
		tap_ok(false, "a NULL buffer only measures");
	}
}

/* ---- the string checks the API exports ---- */

static void test_checks(void)
{
	char long_pat[CGFENCE_MAX_PATTERN + 1];
	size_t off = 99;

	tap_ok(!cgf_policy_check_path_pattern("/", 1, &off), "'/' is a valid pattern");
	tap_ok(!cgf_policy_check_path_pattern("/**", 3, &off), "'/**' is a valid pattern");
	tap_ok(cgf_policy_check_path_pattern("/a/b**", 6, &off) && off == 4,
	       "'**' error points at the first star");
	memset(long_pat, 'a', sizeof(long_pat));
	long_pat[0] = '/';
	tap_ok(!cgf_policy_check_path_pattern(long_pat, CGFENCE_MAX_PATTERN - 1, &off),
	       "a pattern of 4095 bytes is valid");
	tap_ok(cgf_policy_check_path_pattern(long_pat, CGFENCE_MAX_PATTERN, &off) &&
	       off == CGFENCE_MAX_PATTERN - 1, "a pattern of 4096 bytes is too long");
	tap_ok(cgf_policy_check_path_pattern("/a\\", 3, &off) && off == 2,
	       "a lone trailing '\\' is refused");
	tap_ok(!cgf_policy_check_source_name("tmpfs", 5, &off) &&
	       cgf_policy_check_source_name("a/b", 3, &off) && off == 1,
	       "source names have no '/'");
	tap_ok(!cgf_policy_check_profile_name("a-b.c_D9", 8, &off) &&
	       cgf_policy_check_profile_name("", 0, &off),
	       "profile names: letters, digits, '-', '.', '_', at least one");
	tap_ok(!cgf_policy_check_fstype("fuse.sshfs", 10, &off) &&
	       cgf_policy_check_fstype("Ext4", 4, &off) && off == 0,
	       "fstypes: lowercase, digits, '.', '_', '-'");
	tap_ok(!strcmp(cgf_policy_kind_name(CGFENCE_RULE_MOUNT), "mount") &&
	       !strcmp(cgf_policy_mode_name(CGFENCE_MODE_COMPLAIN), "complain") &&
	       !strcmp(cgf_policy_effect_name(CGFENCE_EFFECT_DENY), "deny") &&
	       !cgf_policy_kind_name(9) && !cgf_policy_mode_name(0) &&
	       !cgf_policy_effect_name(7),
	       "kind, mode and effect names, NULL when unknown");
}

/* ---- the API around errors ---- */

static void test_api_errors(void)
{
	static const char nul_text[] = P " file { allow r /a\0b; }\n}\n";
	char err[CGF_POLICY_ERR_MAX], small[24];
	struct cgf_policy pol;
	int ret;

	ret = cgf_policy_parse_buffer("t.cgf", nul_text, sizeof(nul_text) - 1, NULL, &pol, err,
				      sizeof(err));
	tap_ok(error_is(ret, err, "t.cgf:3:19", "NUL byte in the policy text"),
	       "a NUL byte in the text is an error, not the end");

	ret = cgf_policy_parse_string("t.cgf", P " file { allow q /a; }\n}\n", NULL, &pol,
				      small, sizeof(small));
	tap_ok(ret == -EINVAL && strlen(small) == sizeof(small) - 1 &&
	       starts_with(small, "t.cgf:3:15: error: "),
	       "a short error buffer gets the start of the message");

	ret = cgf_policy_parse_string("t.cgf", P " file { allow q /a; }\n}\n", NULL, &pol,
				      NULL, 0);
	tap_ok(ret == -EINVAL && !pol.profiles && !pol.nr_profiles,
	       "no error buffer at all still fails cleanly");

	ret = cgf_policy_parse_file("/nonexistent/p.cgf", &pol, err, sizeof(err));
	tap_ok(ret == -ENOENT &&
	       !strcmp(err, "/nonexistent/p.cgf: error: cannot read: No such file or directory"),
	       "an unreadable file: FILE: error: cannot read: STRERROR");
	if (ret != -ENOENT)
		tap_diag("  ret %d, %s", ret, err);

	ret = cgf_policy_parse_file("/", &pol, err, sizeof(err));
	tap_ok(ret == -EISDIR && !strcmp(err, "/: error: cannot read: Is a directory"),
	       "a directory is not a policy file");

	cgf_policy_free(&pol);
	cgf_policy_free(NULL);
	ret = cgf_policy_parse_string("free.cgf", "profile f {\n\tmode enforce;\n}\n", NULL, &pol,
				      err, sizeof(err));
	cgf_policy_free(&pol);
	tap_ok(ret == 0 && !pol.profiles && !pol.nr_profiles && !pol.arena,
	       "cgf_policy_free() releases a parsed policy and leaves it empty");
	cgf_policy_free(&pol);
}

/* ---- includes across files ---- */

/* Short, so that every path built from it fits the buffers below. */
static char tmpdir[40];

static void write_file(const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static int parse_in_tmp(const char *rel, struct cgf_policy *pol, char *err, size_t len)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	return cgf_policy_parse_file(path, pol, err, len);
}

static void test_include_files(void)
{
	char err[CGF_POLICY_ERR_MAX], want[1024], dir[256];
	struct cgf_policy pol;
	const struct cgf_policy_profile *p;
	char *cwd;
	int ret;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cgfence-policy-test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(dir, sizeof(dir), "%s/env", tmpdir);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/env2", tmpdir);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/isdir.cgf", tmpdir);
	mkdir(dir, 0755);
	unsetenv(CGF_POLICY_PATH_ENV);

	write_file("web.cgf", "profile web {\n mode enforce;\n include lib;\n"
		   " device { include lib; }\n}\n");
	write_file("lib.cgf", "# a library of rules\nprofile lib {\n mode complain;\n"
		   " file { allow r /lib; }\n device { allow c 1:3 rw; }\n}\n"
		   "profile other { mode enforce; }\n");
	ret = parse_in_tmp("web.cgf", &pol, err, sizeof(err));
	p = ret ? NULL : &pol.profiles[0];
	snprintf(want, sizeof(want), "%s/lib.cgf", tmpdir);
	tap_ok(p && pol.nr_profiles == 1 && p->nr_rules == 3 &&
	       !strcmp(p->rules[0].path, "/lib") && !strcmp(p->rules[0].src_file, want) &&
	       p->rules[0].src_line == 4 && p->rules[0].src_col == 9 &&
	       p->rules[1].kind == CGFENCE_RULE_DEVICE && p->rules[2].id == 3 &&
	       p->rules[2].kind == CGFENCE_RULE_DEVICE && p->mode == CGFENCE_MODE_ENFORCE,
	       "include from the including file's directory, with the rules' origins");
	if (ret)
		tap_diag("  %s", err);
	cgf_policy_free(&pol);

	/* Relative paths name included files relative to the same directory. */
	cwd = getcwd(NULL, 0);
	if (cwd && !chdir(tmpdir)) {
		ret = cgf_policy_parse_file("web.cgf", &pol, err, sizeof(err));
		tap_ok(!ret && !strcmp(pol.profiles[0].rules[0].src_file, "lib.cgf"),
		       "a file named without a directory includes files named the same way");
		cgf_policy_free(&pol);
		if (chdir(cwd))
			perror("chdir");
	} else {
		tap_ok(false, "a file named without a directory includes files named the same way");
	}
	free(cwd);

	write_file("env/envlib.cgf",
		   "profile envlib {\n mode enforce;\n file { allow r /env; }\n}\n");
	write_file("env2/envlib.cgf",
		   "profile envlib {\n mode enforce;\n file { allow r /env2; }\n}\n");
	write_file("useenv.cgf", "profile u {\n mode enforce;\n include envlib;\n}\n");
	snprintf(dir, sizeof(dir), "::%s/nonexistent:%s/env2:%s/env:", tmpdir, tmpdir, tmpdir);
	setenv(CGF_POLICY_PATH_ENV, dir, 1);
	ret = parse_in_tmp("useenv.cgf", &pol, err, sizeof(err));
	tap_ok(!ret && pol.profiles[0].nr_rules == 1 &&
	       !strcmp(pol.profiles[0].rules[0].path, "/env2"),
	       "CGFENCE_POLICY_PATH is searched in order, empty entries skipped");
	cgf_policy_free(&pol);
	unsetenv(CGF_POLICY_PATH_ENV);

	ret = parse_in_tmp("useenv.cgf", &pol, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "%s/useenv.cgf:3:2: error: no profile 'envlib' in %s/useenv.cgf, and no envlib.cgf in the search path (%s, %s)",
		 tmpdir, tmpdir, tmpdir, CGF_POLICY_SYSTEM_DIR);
	tap_is_str(err, want, "a missing include names every directory searched");

	write_file("bad.cgf", "profile top {\n mode enforce;\n include mid;\n}\n");
	write_file("mid.cgf", "profile mid {\n mode enforce;\n file { include leaf; }\n}\n");
	write_file("leaf.cgf", "profile leaf {\n mode enforce;\n file { allow r /x }\n}\n");
	ret = parse_in_tmp("bad.cgf", &pol, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "%s/leaf.cgf:3:19: error: expected ';' after the file rule, found '}' (included from %s/mid.cgf:3:9, %s/bad.cgf:3:2)",
		 tmpdir, tmpdir, tmpdir);
	tap_ok(ret == -EINVAL && !strcmp(err, want),
	       "an error in an included file names it and the include chain");
	if (strcmp(err, want))
		tap_diag("  got:  %s\n  want: %s", err, want);

	write_file("cyc-a.cgf", "profile cyc-a {\n mode enforce;\n include cyc-b;\n}\n");
	write_file("cyc-b.cgf", "profile cyc-b {\n mode enforce;\n device { include cyc-a; }\n}\n");
	ret = parse_in_tmp("cyc-a.cgf", &pol, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "%s/cyc-b.cgf:3:11: error: include cycle: cyc-a (%s/cyc-a.cgf) -> cyc-b (%s/cyc-b.cgf) -> cyc-a (%s/cyc-a.cgf) (included from %s/cyc-a.cgf:3:2)",
		 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
	tap_ok(ret == -EINVAL && !strcmp(err, want), "an include cycle across files");
	if (strcmp(err, want))
		tap_diag("  got:  %s\n  want: %s", err, want);

	write_file("wrong.cgf", "profile w {\n mode enforce;\n include lib2;\n}\n");
	write_file("lib2.cgf", "profile lib3 { mode enforce; }\n");
	ret = parse_in_tmp("wrong.cgf", &pol, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "%s/wrong.cgf:3:2: error: %s/lib2.cgf does not define profile 'lib2'", tmpdir,
		 tmpdir);
	tap_is_str(err, want, "a file found by name must define the profile");

	write_file("usedir.cgf", "profile u {\n mode enforce;\n include isdir;\n}\n");
	ret = parse_in_tmp("usedir.cgf", &pol, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "%s/isdir.cgf: error: cannot read: Is a directory (included from %s/usedir.cgf:3:2)",
		 tmpdir, tmpdir);
	tap_is_str(err, want, "an included file that cannot be read");

	write_file("twice.cgf", "profile twice {\n mode enforce;\n include lib;\n"
		   " file { include lib; }\n}\n");
	ret = parse_in_tmp("twice.cgf", &pol, err, sizeof(err));
	tap_ok(!ret && pol.nr_profiles == 1 && pol.profiles[0].nr_rules == 3 &&
	       pol.profiles[0].rules[2].id == 3 && !strcmp(pol.profiles[0].rules[2].path, "/lib"),
	       "one profile included twice gives its rules twice, with their own ids");
	cgf_policy_free(&pol);

	ret = cgf_policy_parse_string("<text>", "profile s {\n mode enforce;\n include lib;\n}\n",
				      tmpdir, &pol, err, sizeof(err));
	tap_ok(!ret && pol.profiles[0].nr_rules == 2 &&
	       !strcmp(pol.profiles[0].src_file, "<text>"),
	       "text in memory includes from the directory it is given");
	cgf_policy_free(&pol);
}

/* ---- limits ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *big_profile(size_t nr_rules)
{
	size_t cap = nr_rules * 40 + 128, n;
	char *text = malloc(cap);
	size_t i;

	if (!text)
		abort();
	n = sprintf(text, "profile big {\n mode enforce;\n file {\n");
	for (i = 0; i < nr_rules; i++)
		n += sprintf(text + n, "  allow r /data/d%zu/**;\n", i);
	sprintf(text + n, " }\n}\n");
	return text;
}

static void test_limits(void)
{
	char err[CGF_POLICY_ERR_MAX];
	struct cgf_policy pol;
	double t0, t1;
	char *text;
	size_t n, i;
	int ret;

	text = big_profile(CGFENCE_MAX_RULES);
	t0 = now();
	ret = cgf_policy_parse_string("big.cgf", text, NULL, &pol, err, sizeof(err));
	t1 = now();
	tap_ok(!ret && pol.profiles[0].nr_rules == CGFENCE_MAX_RULES &&
	       pol.profiles[0].rules[CGFENCE_MAX_RULES - 1].id == CGFENCE_MAX_RULES &&
	       !strcmp(pol.profiles[0].rules[CGFENCE_MAX_RULES - 1].path, "/data/d99999/**"),
	       "a profile of exactly %d rules compiles", CGFENCE_MAX_RULES);
	tap_diag("%d rules parsed in %.0f ms", CGFENCE_MAX_RULES, (t1 - t0) * 1000);
	tap_ok(t1 - t0 < 2.0, "%d rules parse in under 2 s", CGFENCE_MAX_RULES);
	cgf_policy_free(&pol);
	free(text);

	text = big_profile(CGFENCE_MAX_RULES + 1);
	ret = cgf_policy_parse_string("big.cgf", text, NULL, &pol, err, sizeof(err));
	tap_ok(error_is(ret, err, "big.cgf:100004:3",
			"profile 'big' has more than 100000 rules, the limit per profile"),
	       "rule %d is refused, naming the profile", CGFENCE_MAX_RULES + 1);
	free(text);

	/* 2^40 rules if expanded naively: the limit must stop it early. */
	text = malloc(64 * 100);
	n = sprintf(text, "profile p0 { mode enforce; file { allow r /a; allow r /b; } }\n");
	for (i = 1; i < 40; i++)
		n += sprintf(text + n,
			     "profile p%zu { mode enforce; include p%zu; include p%zu; }\n", i,
			     i - 1, i - 1);
	t0 = now();
	ret = cgf_policy_parse_string("blow.cgf", text, NULL, &pol, err, sizeof(err));
	t1 = now();
	tap_ok(error_is(ret, err, "blow.cgf:17:42", "profile 'p16' has more than 100000 rules") &&
	       t1 - t0 < 2.0, "doubling includes hit the limit, quickly");
	free(text);

	text = malloc(40 * (CGFENCE_MAX_PROFILES + 1));
	for (i = 0, n = 0; i <= CGFENCE_MAX_PROFILES; i++)
		n += sprintf(text + n, "profile p%zu { mode enforce; }\n", i);
	ret = cgf_policy_parse_string("many.cgf", text, NULL, &pol, err, sizeof(err));
	tap_ok(error_is(ret, err, "many.cgf:1025:1", "more than 1024 profiles in one file"),
	       "profile %d of a file is refused", CGFENCE_MAX_PROFILES + 1);
	text[n - strlen("profile p1024 { mode enforce; }\n")] = '\0';
	ret = cgf_policy_parse_string("many.cgf", text, NULL, &pol, err, sizeof(err));
	tap_ok(!ret && pol.nr_profiles == CGFENCE_MAX_PROFILES,
	       "a file of %d profiles compiles", CGFENCE_MAX_PROFILES);
	cgf_policy_free(&pol);
	free(text);
}

/* ---- the shipped profiles ---- */

static char top[512];

struct shipped {
	const char *file;
	size_t rules, file_rules, mount_rules, device_rules;
};

static const struct shipped shipped[] = {
	{ "docker-default", 47, 36, 0, 11 },
	{ "baseline", 85, 55, 19, 11 },
	{ "restricted", 97, 66, 19, 12 },
};

static bool has_rule(const struct cgf_policy_profile *p, const char *text)
{
	char buf[512];
	size_t i;

	for (i = 0; i < p->nr_rules; i++) {
		cgf_policy_format_rule(buf, sizeof(buf), &p->rules[i]);
		if (!strcmp(buf, text))
			return true;
	}
	tap_diag("  no rule '%s' in %s", text, p->name);
	return false;
}

static void test_shipped(void)
{
	static const char *const docker_devices[] = {
		"allow c 1:3 rwm;", "allow c 1:5 rwm;", "allow c 1:7 rwm;", "allow c 1:8 rwm;",
		"allow c 1:9 rwm;", "allow c 5:0 rwm;", "allow c 5:1 rwm;", "allow c 5:2 rwm;",
		"allow c 136:* rwm;", "allow c 10:200 rwm;", "deny c 10:229 rwm;",
	};
	static const char *const restricted_rules[] = {
		"deny x /tmp/**;", "deny x /var/tmp/**;", "deny x /dev/shm/**;",
		"deny * *:* m;", "allow c 136:* rw;", "deny all /proc/kallsyms;",
		"deny mount proc -> /**;", "deny wcdnst /proc/sys/**;",
	};
	char path[1024], err[CGF_POLICY_ERR_MAX];
	const struct cgf_policy_profile *p;
	struct cgf_policy pol;
	bool ok;
	size_t i, j;
	int ret;

	unsetenv(CGF_POLICY_PATH_ENV);
	for (i = 0; i < ARRAY_SIZE(shipped); i++) {
		snprintf(path, sizeof(path), "%s/policy/%s.cgf", top, shipped[i].file);
		ret = cgf_policy_parse_file(path, &pol, err, sizeof(err));
		p = ret ? NULL : find(&pol, shipped[i].file);
		if (ret)
			tap_diag("  %s", err);
		tap_ok(p && pol.nr_profiles == 1 && p->mode == CGFENCE_MODE_ENFORCE &&
		       p->file_default == CGFENCE_EFFECT_ALLOW && p->nr_rules == shipped[i].rules &&
		       p->nr_file == shipped[i].file_rules &&
		       p->nr_mount == shipped[i].mount_rules &&
		       p->nr_device == shipped[i].device_rules,
		       "policy/%s.cgf: enforce, default allow, %zu rules (%zu file, %zu mount, %zu device)",
		       shipped[i].file, shipped[i].rules, shipped[i].file_rules,
		       shipped[i].mount_rules, shipped[i].device_rules);
		if (p && p->nr_rules != shipped[i].rules)
			tap_diag("  got %zu rules (%zu file, %zu mount, %zu device)", p->nr_rules,
				 p->nr_file, p->nr_mount, p->nr_device);
		tap_ok(p && round_trip(p), "policy/%s.cgf: round trip", shipped[i].file);
		if (p && !strcmp(shipped[i].file, "docker-default")) {
			ok = true;
			for (j = 0; j < ARRAY_SIZE(docker_devices); j++)
				ok &= has_rule(p, docker_devices[j]);
			for (j = 0; j < p->nr_rules; j++)
				ok &= p->rules[j].kind != CGFENCE_RULE_MOUNT;
			tap_ok(ok && p->nr_device == ARRAY_SIZE(docker_devices),
			       "docker-default: Docker's device list exactly, fuse denied, no mount rule");
			tap_ok(has_rule(p, "deny wcdnst /proc/*;") &&
			       has_rule(p, "deny wcdnst /proc/*q*/**;") &&
			       has_rule(p, "deny all /sys/devices/virtual/powercap/**;") &&
			       has_rule(p, "deny wxcdnlst /sys/**;"),
			       "docker-default: the /proc and /sys denials");
		}
		if (p && !strcmp(shipped[i].file, "restricted")) {
			ok = true;
			for (j = 0; j < ARRAY_SIZE(restricted_rules); j++)
				ok &= has_rule(p, restricted_rules[j]);
			for (j = 0; j < p->nr_rules; j++)
				if (p->rules[j].kind == CGFENCE_RULE_DEVICE &&
				    p->rules[j].effect == CGFENCE_EFFECT_ALLOW)
					ok &= !(p->rules[j].dev_access & CGFENCE_DEV_MKNOD) &&
					      p->rules[j].dev_major != 10;
			tap_ok(ok,
			       "restricted: no exec from scratch space, minimal devices, baseline's file and mount rules");
		}
		cgf_policy_free(&pol);
	}
}

/* The whole file as a string, "" when it is empty or missing. */
static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f || getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	if (f)
		fclose(f);
	return text;
}

/* The first example of policy/README.md must compile to the counts printed under it. */
static void test_readme_example(void)
{
	char path[1024], err[CGF_POLICY_ERR_MAX];
	char *doc, *start, *end;
	struct cgf_policy pol;
	int ret = -1;

	snprintf(path, sizeof(path), "%s/policy/README.md", top);
	doc = slurp(path);
	start = strstr(doc, "```\n# comments run");
	end = start ? strstr(start + 4, "```") : NULL;
	if (end) {
		*end = '\0';
		snprintf(path, sizeof(path), "%s/policy", top);
		setenv(CGF_POLICY_PATH_ENV, path, 1);
		ret = cgf_policy_parse_string("web.cgf", start + 4, NULL, &pol, err, sizeof(err));
		unsetenv(CGF_POLICY_PATH_ENV);
	}
	tap_ok(!ret && pol.profiles[0].nr_rules == 114 && pol.profiles[0].nr_file == 95 &&
	       pol.profiles[0].nr_mount == 5 && pol.profiles[0].nr_device == 13 &&
	       pol.profiles[0].nr_kernel == 1 &&
	       strstr(end + 3,
		      "web.cgf: ok: profile web, 114 rules (95 file, 5 mount, 13 device, 1 kernel)"),
	       "the example of policy/README.md compiles to the counts it shows");
	if (ret)
		tap_diag("  %s", end ? err : "no example found");
	else
		cgf_policy_free(&pol);
	free(doc);
}

/* ---- cgfence check, as a script sees it ---- */

static int run(const char *cmd, char **out, char **errout)
{
	char command[4096], outf[128], errf[128];
	int st;

	snprintf(outf, sizeof(outf), "%s/out", tmpdir);
	snprintf(errf, sizeof(errf), "%s/err", tmpdir);
	snprintf(command, sizeof(command), "%s >%s 2>%s", cmd, outf, errf);
	st = system(command);
	*out = slurp(outf);
	*errout = slurp(errf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_check_command(void)
{
	char tool[1024], cmd[3072], want[1024];
	char *out, *errout;
	int rc;

	snprintf(tool, sizeof(tool), "%s/build/cgfence", top);
	if (access(tool, X_OK)) {
		tap_skip("build/cgfence is not built", "cgfence check");
		return;
	}
	snprintf(cmd, sizeof(cmd), "cd %s/policy && %s check docker-default.cgf restricted.cgf",
		 top, tool);
	rc = run(cmd, &out, &errout);
	tap_ok(rc == 0 && !strcmp(out,
				  "docker-default.cgf: ok: profile docker-default, 47 rules (36 file, 0 mount, 11 device)\n"
				  "restricted.cgf: ok: profile restricted, 97 rules (66 file, 19 mount, 12 device)\n") &&
	       !*errout, "cgfence check: one line per profile, exit 0");
	if (rc)
		tap_diag("  rc %d, stderr %s", rc, errout);
	free(out);
	free(errout);

	snprintf(cmd, sizeof(cmd), "cd %s && %s check --json web.cgf", tmpdir, tool);
	rc = run(cmd, &out, &errout);
	tap_ok(rc == 0 && !strcmp(out,
				  "{\"file\":\"web.cgf\",\"profile\":\"web\",\"mode\":\"enforce\",\"default\":\"deny\",\"rules\":3,\"file_rules\":1,\"mount_rules\":0,\"device_rules\":2,\"kernel_rules\":0}\n"),
	       "cgfence check --json: one object per profile");
	if (rc || !strstr(out, "\"rules\":3"))
		tap_diag("  rc %d, stdout %s, stderr %s", rc, out, errout);
	free(out);
	free(errout);

	snprintf(cmd, sizeof(cmd), "cd %s && %s check bad.cgf web.cgf", tmpdir, tool);
	rc = run(cmd, &out, &errout);
	snprintf(want, sizeof(want),
		 "leaf.cgf:3:19: error: expected ';' after the file rule, found '}' (included from mid.cgf:3:9, bad.cgf:3:2)\n");
	tap_ok(rc == 5 && !strcmp(errout, want) && starts_with(out, "web.cgf: ok: profile web,"),
	       "cgfence check: the error on stderr, exit 5, the other files still checked");
	if (rc != 5 || strcmp(errout, want))
		tap_diag("  rc %d, stderr %s", rc, errout);
	free(out);
	free(errout);

	snprintf(cmd, sizeof(cmd),
		 "cd %s && printf 'profile s { mode enforce; include lib; }' | %s check -", tmpdir,
		 tool);
	rc = run(cmd, &out, &errout);
	tap_ok(rc == 0 && !strcmp(out,
				  "<stdin>: ok: profile s, 2 rules (1 file, 0 mount, 1 device)\n"),
	       "cgfence check -: standard input, includes from the current directory");
	free(out);
	free(errout);

	snprintf(cmd, sizeof(cmd), "%s check", tool);
	rc = run(cmd, &out, &errout);
	tap_ok(rc == 2, "cgfence check without a file is a usage error");
	free(out);
	free(errout);

	snprintf(cmd, sizeof(cmd), "%s check --help", tool);
	rc = run(cmd, &out, &errout);
	tap_ok(rc == 0 && strstr(out, "FILE:LINE:COL: error: WHAT") &&
	       strstr(out, "5  a policy file has errors"),
	       "cgfence check --help explains the output and exit status 5");
	free(out);
	free(errout);
}

static void cleanup(void)
{
	char cmd[128];

	if (!tmpdir[0] || strncmp(tmpdir, "/tmp/cgfence-policy-test.", 25))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* run.sh compiles this file by its absolute path: the repository is three levels up. */
static void find_top(void)
{
	char *slash;

	char real[PATH_MAX];

	if (!realpath(__FILE__, real) || strlen(real) >= sizeof(top)) {
		perror(__FILE__);
		exit(2);
	}
	strcpy(top, real);
	for (int i = 0; i < 3; i++) {
		slash = strrchr(top, '/');
		if (!slash)
			exit(2);
		*slash = '\0';
	}
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(201);
	find_top();
	unsetenv(CGF_POLICY_PATH_ENV);
	test_bad_cases();
	test_good_cases();
	test_counts();
	test_format();
	test_checks();
	test_api_errors();
	test_include_files();
	test_limits();
	test_shipped();
	test_readme_example();
	test_check_command();
	cleanup();
	return tap_done();
}
