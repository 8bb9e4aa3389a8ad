// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the stats command's rendering: plain table, JSON lines, Prometheus text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgfence.h"
#include "client.h"
#include "cmd_stats.h"
#include "tap.h"

#define DOCKER_ID "3d5327d3e8161cdea217025b22f696ed6933f7d6964ff1c3219826962a979ae6"

static char *render(void (*fn)(FILE *f, const struct cgf_stats *st), const struct cgf_stats *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, st);
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct cgf_profile_row profiles[] = {
		{ .name = "web", .mode = CGFENCE_MODE_ENFORCE,
		  .counters = { .present = true, .decisions = 123456789012ULL,
				.denied = { 3, 1, 2, 0, 4 }, .would_deny = { 0 }, .dropped = 7 } },
		{ .name = "learner", .mode = CGFENCE_MODE_COMPLAIN,
		  .counters = { .present = true, .decisions = 10,
				.would_deny = { 5, 0, 0, 0, 1 } },
		  .learning = true, .learned = 6, .learned_capacity = 4096, .learned_missed = 3 },
	};
	struct cgf_attach_row attachments[] = {
		{ 1234, "/system.slice/docker-" DOCKER_ID ".scope", "web",
		  .counters = { .present = true, .decisions = 100, .denied = { 3 }, .dropped = 7 } },
		{ 99, "/odd \"name\"\\\n", "learner",
		  .counters = { .present = true, .decisions = 10, .would_deny = { 5 } } },
	};
	struct cgf_listing l = { profiles, 2, attachments, 2 };
	struct cgf_listing empty = { NULL, 0, NULL, 0 };
	struct cgf_stats st = { .listing = &l, .has_lost = true, .lost = 7 };
	char path[4096];
	char *text;
	FILE *f;

	(void)argc;
	tap_plan(10);

	text = render(cgf_stats_render_plain, &st);
	tap_is_str(text,
		   "PROFILE                       DECISIONS     DENIED WOULD-DENY    DROPPED\n"
		   "web                        123456789012         10          0          7\n"
		   "learner                              10          0          6          0\n"
		   "\n"
		   "PROFILE                  CONTAINER                     DECISIONS     DENIED WOULD-DENY    DROPPED  CGROUP\n"
		   "web                      docker:3d5327d3e816                 100          3          0          7  /system.slice/docker-" DOCKER_ID ".scope\n"
		   "learner                  -                                    10          0          5          0  /odd \"name\"\\\\\\x0a\n"
		   "\n"
		   "records dropped since load: 7\n",
		   "plain: profiles, then containers with their short id; hostile path escaped");
	free(text);

	text = render(cgf_stats_render_json, &st);
	tap_ok(text && strstr(text,
			      "{\"type\":\"profile\",\"name\":\"web\",\"decisions\":123456789012,"
			      "\"denied\":{\"file\":3,\"mount\":1,\"device\":2,\"cgroup\":0,\"kernel\":4},"
			      "\"would_deny\":{\"file\":0,\"mount\":0,\"device\":0,\"cgroup\":0,\"kernel\":0},"
			      "\"dropped\":7}\n"),
	       "json: a profile's counters, refusals by kind");
	tap_ok(text && strstr(text,
			      "{\"type\":\"attachment\",\"cgroup\":\"/system.slice/docker-" DOCKER_ID ".scope\","
			      "\"cgroup_id\":1234,\"container\":{\"runtime\":\"docker\",\"id\":\"" DOCKER_ID "\"},"
			      "\"profile\":\"web\",\"decisions\":100,"),
	       "json: an attachment with its container");
	tap_ok(text && strstr(text, "{\"type\":\"module\",\"records_dropped\":7}\n"),
	       "json: the module's total of dropped records");
	free(text);

	text = render(cgf_stats_render_prometheus, &st);
	tap_ok(text && strstr(text,
			      "# HELP cgfence_profile_decisions_total Operations the profile judged since it was loaded.\n"
			      "# TYPE cgfence_profile_decisions_total counter\n"
			      "cgfence_profile_decisions_total{profile=\"web\"} 123456789012\n"
			      "cgfence_profile_decisions_total{profile=\"learner\"} 10\n"),
	       "prometheus: a family with HELP and TYPE, one sample per profile");
	tap_ok(text && strstr(text,
			      "cgfence_profile_denials_total{profile=\"web\",kind=\"kernel\",verdict=\"denied\"} 4\n") &&
	       strstr(text,
		      "cgfence_profile_denials_total{profile=\"learner\",kind=\"file\",verdict=\"would-deny\"} 5\n"),
	       "prometheus: denials by kind and verdict");
	/* Only a profile that keeps learned records has a missed count. */
	tap_ok(text && strstr(text,
			      "# TYPE cgfence_profile_learned_missed_total counter\n"
			      "cgfence_profile_learned_missed_total{profile=\"learner\"} 3\n") &&
	       !strstr(text, "cgfence_profile_learned_missed_total{profile=\"web\"}"),
	       "prometheus: learned records missed, for the profile that keeps them only");
	tap_ok(text && strstr(text,
			      "cgfence_container_decisions_total{cgroup=\"/system.slice/docker-" DOCKER_ID ".scope\","
			      "cgroup_id=\"1234\",profile=\"web\",runtime=\"docker\",container_id=\"" DOCKER_ID "\"} 100\n") &&
	       strstr(text,
		      "cgfence_container_records_dropped_total{cgroup=\"/odd \\\"name\\\"\\\\\\n\",cgroup_id=\"99\",profile=\"learner\"} 0\n"),
	       "prometheus: a container's labels; quote, backslash and newline escaped");
	/* tests/unit/run.sh parses this file with the Prometheus client's own parser. */
	snprintf(path, sizeof(path), "%s.prom", argv[0]);
	f = fopen(path, "w");
	tap_ok(f && fputs(text, f) >= 0 && !fclose(f), "prometheus: written to %s for the parser",
	       path);
	free(text);

	st.listing = &empty;
	st.has_lost = false;
	text = render(cgf_stats_render_prometheus, &st);
	tap_ok(text && strstr(text, "cgfence_profiles 0\n") &&
	       strstr(text, "# TYPE cgfence_container_decisions_total counter\n") &&
	       !strstr(text, "cgfence_records_dropped_total"),
	       "prometheus: nothing loaded: the gauges at 0, families without samples");
	free(text);
	return tap_done();
}
