/* The shared scenarios (tests/scenarios/expanded.json) through mikopbx_call, by name. Each
 * scenario gets a simulator brought back to its start state; results are compared with
 * "contains" semantics. That the typed structs carry every field is checked in test_call.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios.h"
#include "testlib.h"

/* Runs the scenario's call by name; on success `*result` is its JSON form. */
static mikopbx_status run_call(const scenario *s, mikopbx_client *client, json **result) {
    *result = NULL;
    char *text = NULL;
    mikopbx_status status = mikopbx_call(client, s->op, s->args, &text);
    if (status == MIKOPBX_OK) {
        *result = json_parse(text);
        CHECK(*result != NULL, "%s: mikopbx_call returned JSON: %s", s->name, text);
    }
    CHECK((status == MIKOPBX_OK) == (text != NULL), "%s: out set exactly on success", s->name);
    mikopbx_string_free(text);
    return status;
}

static void check_result(const scenario *s, const json *result) {
    char why[512];
    if (s->result != NULL) {
        json *expected = json_parse(s->result);
        CHECK(expected != NULL, "%s: expected result is JSON", s->name);
        CHECK(expected != NULL && json_contains(expected, result, why, sizeof why), "%s: result %s", s->name, why);
        json_free(expected);
    }
    if (s->absent != NULL) {
        json *keys = json_parse(s->absent);
        for (size_t i = 0; keys != NULL && i < keys->len; i++) {
            CHECK(json_get(result, keys->items[i]->string) == NULL, "%s: key %s must be absent", s->name,
                  keys->items[i]->string);
        }
        json_free(keys);
    }
}

static void run_scenario(const scenario *s) {
    /* run.sh names the simulators MIKOPBX_TEST_<API>_URL[_LOGIN_LIMIT_<N>]. */
    char name[96];
    snprintf(name, sizeof name, "MIKOPBX_TEST_%s_URL", strcmp(s->api, "v3") == 0 ? "V3" : "LEGACY");
    if (s->login_limit >= 0) {
        snprintf(name + strlen(name), sizeof name - strlen(name), "_LOGIN_LIMIT_%d", s->login_limit);
    }
    const char *url = t_env(name);
    sim_reset(url);
    for (size_t i = 0; i < s->setup_len; i++) {
        const sim_request *r = &s->setup[i];
        int status = sim_control(url, r->method, r->path, r->body, NULL);
        CHECK(status == 200, "%s: setup %s %s answered %d", s->name, r->method, r->path, status);
    }

    mikopbx_config cfg;
    t_config(&cfg, url);
    if (s->password != NULL) {
        cfg.password = s->password;
    }
    if (s->no_credentials) {
        cfg.login = NULL;
        cfg.password = NULL;
    }
    char *key = s->sim_api_key ? sim_api_key(url) : NULL;
    CHECK(!s->sim_api_key || key != NULL, "%s/%s: the simulator has an API key", s->api, s->name);
    if (key != NULL || s->api_key != NULL) {
        cfg.login = NULL;
        cfg.password = NULL;
        cfg.api_key = key != NULL ? key : s->api_key;
    }
    cfg.timeout_ms = s->timeout_ms;
    cfg.retries = s->retries;
    mikopbx_client *client = t_client(&cfg);

    json *result = NULL;
    mikopbx_status status = run_call(s, client, &result);
    CHECK_STATUS(status, s->error, s->name);
    if (status == MIKOPBX_OK && s->error == MIKOPBX_OK) {
        CHECK(mikopbx_last_error()[0] == '\0', "%s: last error is empty after success", s->name);
        check_result(s, result);
    }
    if (s->error != MIKOPBX_OK && status == s->error) {
        const char *message = mikopbx_last_error();
        CHECK(message[0] != '\0', "%s: a failure has a message", s->name);
        if (s->http_status != 0) {
            CHECK(mikopbx_last_error_http_status() == s->http_status, "%s: HTTP status %d, want %d", s->name,
                  mikopbx_last_error_http_status(), s->http_status);
        }
        if (s->message_contains != NULL) {
            CHECK(strstr(message, s->message_contains) != NULL, "%s: message \"%s\" lacks \"%s\"", s->name,
                  message, s->message_contains);
        }
        CHECK(strstr(message, SIM_PASSWORD) == NULL && (s->password == NULL || strstr(message, s->password) == NULL) &&
                  (cfg.api_key == NULL || strstr(message, cfg.api_key) == NULL),
              "%s: the message never shows a password or key", s->name);
    }
    json_free(result);
    mikopbx_client_free(client);
    free(key);
    printf("scenario %s/%s: %s\n", s->api, s->name, mikopbx_status_name(status));
}

int main(void) {
    for (size_t i = 0; i < SCENARIO_COUNT; i++) {
        run_scenario(&SCENARIOS[i]);
    }
    CHECK(SCENARIO_COUNT > 0, "the scenario table is not empty");
    sim_reset_done();
    return t_finish("test_scenarios");
}
