/* The watch pull API: the snapshot first, a change made through the simulator's control as
 * exactly one event, a timeout that returns no event and loses none, one login for the whole
 * watch, and bad arguments refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static const char *REGISTERED =
    "{\"state\":\"OK\",\"contacts\":[{\"URI\":\"sip:240@10.0.0.40:5060\",\"Status\":\"Reachable\"}]}";

/* The next event within `timeout_ms`, parsed (NULL when none came). */
static json *next_event(mikopbx_watch *watch, long timeout_ms) {
    char *text = NULL;
    CHECK_STATUS(mikopbx_watch_next(watch, timeout_ms, &text), MIKOPBX_OK, "watch_next");
    json *event = text ? json_parse(text) : NULL;
    CHECK(text == NULL || event != NULL, "the event is JSON: %s", text ? text : "");
    mikopbx_string_free(text);
    return event;
}

static const char *text_of(const json *event, const char *key) {
    const json *value = event ? json_get(event, key) : NULL;
    return value && value->type == JSON_STRING ? value->string : "(none)";
}

static double logins(const char *url) {
    char *body = NULL;
    CHECK(sim_control(url, "GET", "/__sim/stats", NULL, &body) == 200, "simulator stats");
    json *stats = body ? json_parse(body) : NULL;
    double count = stats ? json_get(stats, "logins")->number : -1;
    json_free(stats);
    free(body);
    return count;
}

static void changes(const char *url, const char *api) {
    mikopbx_config cfg;
    t_config(&cfg, url);
    mikopbx_client *client = t_client(&cfg);
    double logins_before = logins(url);
    mikopbx_watch *watch = NULL;
    CHECK_STATUS(mikopbx_watch_open(client, "{\"interval\":0.2}", &watch), MIKOPBX_OK, "watch_open");
    /* The watch keeps what it needs of the client. */
    mikopbx_client_free(client);

    json *first = next_event(watch, 10000);
    CHECK(strcmp(text_of(first, "kind"), "snapshot") == 0, "%s: the snapshot first, not %s", api,
          text_of(first, "kind"));
    const json *snapshot = first ? json_get(first, "snapshot") : NULL;
    CHECK(snapshot && json_get(snapshot, "reachable")->boolean, "%s: the PBX is reachable", api);
    json_free(first);

    CHECK(sim_control(url, "PUT", "/__sim/peers/240", REGISTERED, NULL) == 200, "register 240");
    json *change = next_event(watch, 10000);
    CHECK(strcmp(text_of(change, "kind"), "extension_changed") == 0 && strcmp(text_of(change, "id"), "240") == 0 &&
              strcmp(text_of(change, "old_state"), "offline") == 0 &&
              strcmp(text_of(change, "new_state"), "online") == 0,
          "%s: 240 came online, not %s %s", api, text_of(change, "kind"), text_of(change, "id"));
    json_free(change);

    /* Three intervals without a change: timeouts that return nothing, each resumed. */
    for (int i = 0; i < 3; i++) {
        json *nothing = next_event(watch, 200);
        CHECK(nothing == NULL, "%s: nothing invented, got %s", api, text_of(nothing, "kind"));
        json_free(nothing);
    }
    CHECK(sim_control(url, "PUT", "/__sim/peers/240", "{\"state\":\"UNKNOWN\",\"contacts\":[]}", NULL) == 200,
          "unregister 240");
    json *back = next_event(watch, 10000);
    CHECK(strcmp(text_of(back, "new_state"), "offline") == 0, "%s: 240 went offline, not %s", api,
          text_of(back, "new_state"));
    json_free(back);
    mikopbx_watch_close(watch);
    double logged_in = logins(url) - logins_before;
    CHECK(logged_in == 1, "%s: one login for the whole watch, not %g", api, logged_in);
}

static void bad_arguments(const char *url) {
    mikopbx_config cfg;
    t_config(&cfg, url);
    mikopbx_client *client = t_client(&cfg);
    mikopbx_watch *watch = (mikopbx_watch *)1;
    CHECK_STATUS(mikopbx_watch_open(client, "{\"interval\":0.001}", &watch), MIKOPBX_ERR_INVALID_ARGUMENT,
                 "an interval below 0.1 s");
    CHECK(watch == NULL, "NULL out on failure");
    CHECK_STATUS(mikopbx_watch_open(client, "{\"every\":5}", &watch), MIKOPBX_ERR_INVALID_ARGUMENT,
                 "an unknown option");
    CHECK(strstr(mikopbx_last_error(), "every") != NULL, "names it: %s", mikopbx_last_error());
    CHECK_STATUS(mikopbx_watch_open(client, "{\"include\":\",\"}", &watch), MIKOPBX_ERR_INVALID_ARGUMENT,
                 "an empty pattern");
    CHECK_STATUS(mikopbx_watch_open(client, "{", &watch), MIKOPBX_ERR_INVALID_ARGUMENT, "bad JSON");
    CHECK_STATUS(mikopbx_watch_open(NULL, NULL, &watch), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL client");
    CHECK_STATUS(mikopbx_watch_open(client, NULL, NULL), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL out");
    char *event = NULL;
    CHECK_STATUS(mikopbx_watch_next(NULL, 0, &event), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL watch");
    CHECK_STATUS(mikopbx_watch_open(client, NULL, &watch), MIKOPBX_OK, "the defaults");
    CHECK_STATUS(mikopbx_watch_next(watch, 0, NULL), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL event out");
    mikopbx_watch_close(watch);
    mikopbx_watch_close(NULL);
    mikopbx_client_free(client);
}

int main(void) {
    const char *legacy = t_env("MIKOPBX_TEST_LEGACY_URL");
    const char *v3 = t_env("MIKOPBX_TEST_V3_URL");
    sim_reset(legacy);
    changes(legacy, "legacy");
    sim_reset(v3);
    changes(v3, "v3");
    sim_reset(v3);
    bad_arguments(v3);
    sim_reset(legacy);
    sim_reset(v3);
    sim_reset_done();
    return t_finish("test_watch");
}
