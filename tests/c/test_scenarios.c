/* The shared scenarios (tests/scenarios/scenarios.json) through the C API. Each scenario
 * gets a simulator brought back to its start state; results are turned into the JSON form
 * the scenarios describe and compared with "contains" semantics. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios.h"
#include "testlib.h"

static json *contact_json(const mikopbx_contact *c) {
    json *o = json_new(JSON_OBJECT);
    json_put(o, "aor", json_str(c->aor));
    json_put(o, "uri", json_str(c->uri));
    json_put(o, "user_agent", json_str(c->user_agent));
    json_put(o, "reg_expire", c->has_reg_expire ? json_num((double)c->reg_expire) : json_new(JSON_NULL));
    json_put(o, "via_address", json_str(c->via_address));
    json_put(o, "call_id", json_str(c->call_id));
    json_put(o, "status", json_str(c->status));
    json_put(o, "roundtrip_usec", c->has_roundtrip_usec ? json_num((double)c->roundtrip_usec) : json_new(JSON_NULL));
    json_put(o, "endpoint_name", json_str(c->endpoint_name));
    json_put(o, "contact_id", json_str(c->contact_id));
    json_put(o, "authenticate_qualify",
             c->has_authenticate_qualify ? json_bool(c->authenticate_qualify) : json_new(JSON_NULL));
    json_put(o, "outbound_proxy", json_str(c->outbound_proxy));
    json_put(o, "path", json_str(c->path));
    json_put(o, "qualify_frequency",
             c->has_qualify_frequency ? json_num((double)c->qualify_frequency) : json_new(JSON_NULL));
    json_put(o, "qualify_timeout", c->has_qualify_timeout ? json_num(c->qualify_timeout) : json_new(JSON_NULL));
    return o;
}

/* The shape `mikopbx peer --format json` prints: the primary contact flattened. */
static json *peer_detail_json(const mikopbx_peer_detail *d) {
    json *o = json_new(JSON_OBJECT);
    json_put(o, "id", json_str(d->id));
    json_put(o, "state", json_str(d->state));
    if (d->contact != NULL) {
        json *c = contact_json(d->contact);
        for (size_t i = 0; i < c->len; i++) {
            json_put(o, c->keys[i], c->items[i]);
            c->items[i] = NULL;
        }
        json_free(c);
    }
    json *others = json_new(JSON_ARRAY);
    for (size_t i = 0; i < d->other_contacts_len; i++) {
        json_push(others, contact_json(&d->other_contacts[i]));
    }
    json_put(o, "other_contacts", others);
    return o;
}

/* Runs the scenario's call; on success `*result` is its JSON form (NULL for calls without
 * a value). */
static mikopbx_status run_call(const scenario *s, mikopbx_client *client, json **result) {
    *result = NULL;
    mikopbx_status status = MIKOPBX_ERR_INVALID_ARGUMENT;
    switch (s->op) {
    case OP_LOGIN:
        return mikopbx_login(client);
    case OP_PING:
        return mikopbx_ping(client);
    case OP_PEER_STATUSES: {
        mikopbx_peer_list *list = NULL;
        status = mikopbx_peer_statuses(client, &list);
        if (status == MIKOPBX_OK) {
            *result = json_new(JSON_ARRAY);
            for (size_t i = 0; i < list->len; i++) {
                json *o = json_new(JSON_OBJECT);
                json_put(o, "id", json_str(list->items[i].id));
                json_put(o, "state", json_str(list->items[i].state));
                json_push(*result, o);
            }
        }
        CHECK((status == MIKOPBX_OK) == (list != NULL), "%s: out set exactly on success", s->name);
        mikopbx_peer_list_free(list);
        return status;
    }
    case OP_PEER: {
        mikopbx_peer_detail *detail = NULL;
        status = mikopbx_peer(client, s->id, &detail);
        if (status == MIKOPBX_OK) {
            *result = peer_detail_json(detail);
        }
        CHECK((status == MIKOPBX_OK) == (detail != NULL), "%s: out set exactly on success", s->name);
        mikopbx_peer_detail_free(detail);
        return status;
    }
    case OP_PROVIDER_REGISTRATIONS: {
        mikopbx_provider_list *list = NULL;
        status = mikopbx_provider_registrations(client, &list);
        if (status == MIKOPBX_OK) {
            *result = json_new(JSON_ARRAY);
            for (size_t i = 0; i < list->len; i++) {
                json *o = json_new(JSON_OBJECT);
                json_put(o, "id", json_str(list->items[i].id));
                json_put(o, "state", json_str(list->items[i].state));
                json_put(o, "username", json_str(list->items[i].username));
                json_put(o, "host", json_str(list->items[i].host));
                json_push(*result, o);
            }
        }
        CHECK((status == MIKOPBX_OK) == (list != NULL), "%s: out set exactly on success", s->name);
        mikopbx_provider_list_free(list);
        return status;
    }
    case OP_REQUEST: {
        char *text = NULL;
        status = mikopbx_request_json(client, s->method, s->path, s->body, &text);
        if (status == MIKOPBX_OK) {
            *result = json_parse(text);
            CHECK(*result != NULL, "%s: request_json returned JSON: %s", s->name, text);
        }
        CHECK((status == MIKOPBX_OK) == (text != NULL), "%s: out set exactly on success", s->name);
        mikopbx_string_free(text);
        return status;
    }
    }
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
