// SPDX-License-Identifier: GPL-2.0
/* The commands container runtimes run: the OCI hook and the bundle preparation for Docker. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "cgroup.h"
#include "cli.h"
#include "client.h"
#include "cmd_oci.h"
#include "conf.h"
#include "oci.h"
#include "output.h"
#include "util.h"

/*
 * The hook's one line: runtimes show a hook's stderr to whoever started the container,
 * and refuse to start it when the hook exits non-zero.
 */
__printf(3, 4)
static int hook_fail(int code, const char *id, const char *fmt, ...)
{
	char msg[CGF_OCI_ERR_MAX + CGF_ERRMSG_MAX];
	va_list ap;

	fputs("cgfence oci-hook: ", stderr);
	if (id && id[0]) {
		fputs("container ", stderr);
		cgf_plain_string(stderr, id);
		fputs(": ", stderr);
	}
	/* Messages quote the state's own strings: a newline there must not make two lines. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cgf_safe_text(stderr, msg);
	fputs(": not started\n", stderr);
	return code;
}

static int load_conf(const struct cgf_inv *inv, struct cgf_oci_conf *conf, char *err,
		     size_t errlen)
{
	const char *path = inv->optval[CGF_OPT_CONFIG] ?: CGF_OCI_CONF;
	size_t len;
	char *text;
	int rc;

	text = cgf_read_path(path, CGF_OCI_MAX_INPUT, &len);
	if (!text) {
		/* No file: no default profile and no unconfined containers (fail closed). */
		if (errno == ENOENT && !cgf_opt_set(inv, CGF_OPT_CONFIG)) {
			memset(conf, 0, sizeof(*conf));
			return 0;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (strlen(text) != len) {
		free(text);
		snprintf(err, errlen, "%s: holds a NUL byte", path);
		return -EINVAL;
	}
	rc = cgf_oci_conf_parse(path, text, conf, err, errlen);
	free(text);
	return rc;
}

int cgf_cmd_oci_hook(const struct cgf_inv *inv)
{
	char err[CGF_OCI_ERR_MAX], cgerr[CGF_CGROUP_ERR_MAX], mount[PATH_MAX];
	char profile[CGFENCE_MAX_NAME], nlerr[256];
	struct cgf_oci_state st;
	struct cgf_oci_conf conf;
	struct cgf_client cl;
	struct cgf_cgroup cg;
	size_t len;
	char *text;
	int rc;

	text = cgf_read_fd(STDIN_FILENO, CGF_OCI_MAX_INPUT, &len);
	if (!text)
		return hook_fail(CGF_EXIT_FAIL, NULL, "cannot read the container state: %s",
				 errno == EFBIG ? "more than 1 MiB" : strerror(errno));
	rc = cgf_oci_state_parse(text, len, &st, err, sizeof(err));
	free(text);
	/* st.id is set as soon as the state gave a valid one: the line names the container. */
	if (rc)
		return hook_fail(CGF_EXIT_FAIL, st.id, "%s", err);
	if (load_conf(inv, &conf, err, sizeof(err)))
		return hook_fail(CGF_EXIT_FAIL, st.id, "%s", err);
	rc = cgf_oci_choose(&st, &conf, profile, sizeof(profile), err, sizeof(err));
	if (rc < 0)
		return hook_fail(CGF_EXIT_FAIL, st.id, "%s", err);
	if (!rc)
		return CGF_EXIT_OK;	/* unconfined, as asked and allowed */

	cgf_cgroup2_mount(mount, sizeof(mount));
	if (cgf_cgroup_resolve_pid(mount, "/proc", st.pid, &cg, cgerr, sizeof(cgerr)))
		return hook_fail(CGF_EXIT_FAIL, st.id, "%s", cgerr);
	if (cgf_cgroup_holds_pid(mount, "/proc", getpid(), &cg) != 0)
		return hook_fail(CGF_EXIT_FAIL, st.id,
				 "the container's cgroup %s holds this hook too (or cannot be read)",
				 cg.path);

	rc = cgf_client_open(&cl, nlerr, sizeof(nlerr));
	if (rc == -ENOENT)
		return hook_fail(CGF_EXIT_NOMODULE, st.id, "the cgfence module is not loaded");
	if (rc)
		return hook_fail(CGF_EXIT_FAIL, st.id, "cannot reach the cgfence module: %s",
				 nlerr);
	rc = cgf_client_attach(&cl, profile, cg.id, CGF_ATTACH_ON_EXEC);
	if (rc) {
		if (cl.problem[0])
			snprintf(err, sizeof(err), "%s", cl.problem);
		else
			snprintf(err, sizeof(err), "%s%s%s", strerror(-rc),
				 cl.ack.msg[0] ? ": " : "", cl.ack.msg);
		cgf_client_close(&cl);
		return hook_fail(cgf_exit_code(rc), st.id, "attach profile %s to %s: %s",
				 profile, cg.path, err);
	}
	cgf_client_close(&cl);
	return CGF_EXIT_OK;
}

/* Writes @text as @path atomically, with the mode @path had. */
static int replace_file(const char *path, const char *text, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	struct stat st;
	size_t len = strlen(text), done = 0;
	ssize_t n;
	int fd;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.cgfence-XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -errno;
	}
	while (done < len) {
		n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	if (done != len || fchmod(fd, st.st_mode & 07777) || fsync(fd)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno ?: EIO));
		close(fd);
		unlink(tmp);
		return -EIO;
	}
	close(fd);
	if (rename(tmp, path)) {
		snprintf(err, errlen, "rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -errno;
	}
	return 0;
}

int cgf_check_oci_prepare(const struct cgf_inv *inv, char *err, size_t len)
{
	const char *profile = inv->optval[CGF_OPT_PROFILE];

	if (!profile || !strcmp(profile, CGF_OCI_UNCONFINED))
		return 0;
	return cgf_check_profile_arg(profile, err, len);
}

int cgf_cmd_oci_prepare(const struct cgf_inv *inv)
{
	const char *hook_path = inv->optval[CGF_OPT_HOOK_PATH] ?: CGF_OCI_HOOK_PATH;
	const char *profile = inv->optval[CGF_OPT_PROFILE];
	char path[PATH_MAX], err[CGF_OCI_ERR_MAX];
	char *text, *out;
	size_t len;
	int rc;

	if (snprintf(path, sizeof(path), "%s/config.json", inv->argv[0]) >= (int)sizeof(path)) {
		cgf_err("oci-prepare: bundle path too long\n");
		return CGF_EXIT_FAIL;
	}
	text = cgf_read_path(path, CGF_OCI_MAX_INPUT, &len);
	if (!text) {
		cgf_err("oci-prepare: %s: %s\n", path,
			errno == EFBIG ? "more than 1 MiB" : strerror(errno));
		return CGF_EXIT_FAIL;
	}
	rc = cgf_oci_add_hook(text, len, hook_path, &out, err, sizeof(err));
	free(text);
	if (!rc && profile) {
		text = out;
		rc = cgf_oci_set_annotation(text, strlen(text), CGF_OCI_ANNOTATION, profile, &out,
					    err, sizeof(err));
		free(text);
	}
	if (rc) {
		cgf_err("oci-prepare: %s: %s\n", path, rc == -ENOMEM ? strerror(ENOMEM) : err);
		return CGF_EXIT_FAIL;
	}
	rc = replace_file(path, out, err, sizeof(err));
	free(out);
	if (rc) {
		cgf_err("oci-prepare: %s\n", err);
		return CGF_EXIT_FAIL;
	}
	return CGF_EXIT_OK;
}
