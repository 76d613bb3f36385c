/* mikopbx_call and mikopbx_operations: every operation of the list runs by name on both
 * generations; bad names and arguments are invalid arguments; the frozen typed structs carry
 * every field of the core's JSON (the per-model check). Also: the config's struct_size (an
 * older, smaller struct still works; an uninitialised one is refused). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

/* mikopbx_config as the first version with struct_size had it (up to user_agent). */
typedef struct {
    size_t struct_size;
    const char *url, *login, *password, *api_key, *api_version;
    int32_t insecure;
    const char *ca_cert_pem, *pin_sha256;
    uint32_t timeout_ms, connect_timeout_ms;
    int32_t retries;
    const char *user_agent;
} config_v1;

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

static json *peer_list_json(const mikopbx_peer_list *list) {
    json *a = json_new(JSON_ARRAY);
    for (size_t i = 0; i < list->len; i++) {
        json *o = json_new(JSON_OBJECT);
        json_put(o, "id", json_str(list->items[i].id));
        json_put(o, "state", json_str(list->items[i].state));
        json_push(a, o);
    }
    return a;
}

static json *provider_list_json(const mikopbx_provider_list *list) {
    json *a = json_new(JSON_ARRAY);
    for (size_t i = 0; i < list->len; i++) {
        json *o = json_new(JSON_OBJECT);
        json_put(o, "id", json_str(list->items[i].id));
        json_put(o, "state", json_str(list->items[i].state));
        json_put(o, "username", json_str(list->items[i].username));
        json_put(o, "host", json_str(list->items[i].host));
        json_push(a, o);
    }
    return a;
}

/* Every field of the typed result (as JSON) is in what mikopbx_call gives for the same
 * operation, with the same value; the typed structs are frozen, so fields the models gained
 * later (a provider's technology) reach C through mikopbx_call only. */
static void same_as_call(mikopbx_client *client, const char *op, const char *args, json *typed) {
    char *out = NULL;
    CHECK_STATUS(mikopbx_call(client, op, args, &out), MIKOPBX_OK, op);
    json *by_name = out ? json_parse(out) : NULL;
    char why[512] = "";
    CHECK(by_name && json_contains(typed, by_name, why, sizeof why), "%s: the typed struct differs: %s", op, why);
    json_free(by_name);
    json_free(typed);
    mikopbx_string_free(out);
}

/* The frozen typed calls agree with the core's JSON of each model. */
static void typed_structs_carry_every_field(const char *url) {
    mikopbx_config cfg;
    t_config(&cfg, url);
    mikopbx_client *client = t_client(&cfg);
    mikopbx_peer_list *peers = NULL;
    CHECK_STATUS(mikopbx_peer_statuses(client, &peers), MIKOPBX_OK, "peer_statuses");
    if (peers) same_as_call(client, "peer_statuses", NULL, peer_list_json(peers));
    mikopbx_peer_list_free(peers);
    mikopbx_peer_detail *detail = NULL;
    CHECK_STATUS(mikopbx_peer(client, "201", &detail), MIKOPBX_OK, "peer");
    if (detail) same_as_call(client, "peer", "{\"id\":\"201\"}", peer_detail_json(detail));
    mikopbx_peer_detail_free(detail);
    mikopbx_provider_list *providers = NULL;
    CHECK_STATUS(mikopbx_provider_registrations(client, &providers), MIKOPBX_OK, "provider_registrations");
    if (providers) same_as_call(client, "provider_registrations", NULL, provider_list_json(providers));
    mikopbx_provider_list_free(providers);
    mikopbx_client_free(client);
}

/* Runs every operation of mikopbx_operations() with its example arguments. */
static void every_operation(const char *url, const char *generation) {
    mikopbx_config cfg;
    t_config(&cfg, url);
    mikopbx_client *client = t_client(&cfg);
    json *operations = json_parse(mikopbx_operations());
    CHECK(operations && operations->type == JSON_ARRAY && operations->len >= 8, "operations is a list");
    for (size_t i = 0; operations && i < operations->len; i++) {
        const json *op = operations->items[i];
        const char *name = json_get(op, "name")->string;
        /* The example as JSON text: rebuilt from its parsed form (flat objects of strings and
         * numbers). */
        const json *example = json_get(op, "example");
        char args[512] = "{";
        for (size_t k = 0; k < example->len; k++) {
            size_t used = strlen(args);
            const json *value = example->items[k];
            if (value->type == JSON_NUMBER) {
                snprintf(args + used, sizeof args - used, "%s\"%s\":%g", k ? "," : "", example->keys[k],
                         value->number);
            } else {
                snprintf(args + used, sizeof args - used, "%s\"%s\":\"%s\"", k ? "," : "", example->keys[k],
                         value->string);
            }
        }
        strncat(args, "}", sizeof args - strlen(args) - 1);
        char *out = NULL;
        mikopbx_status status = mikopbx_call(client, name, args, &out);
        if (strcmp(generation, "legacy") == 0 && strcmp(name, "cdr") == 0) {
            /* 2024.1's REST API has no call history. */
            CHECK_STATUS(status, MIKOPBX_ERR_UNSUPPORTED, "cdr on legacy");
            continue;
        }
        CHECK_STATUS(status, MIKOPBX_OK, name);
        json *result = out ? json_parse(out) : NULL;
        CHECK(result != NULL, "%s (%s): the result is JSON: %s", name, generation, out ? out : "(null)");
        if (result && strcmp(name, "api_generation") == 0) {
            CHECK(result->type == JSON_STRING && strcmp(result->string, generation) == 0, "generation %s", out);
        } else if (result && strcmp(name, "peer_statuses") == 0) {
            CHECK(result->type == JSON_ARRAY && result->len == 3 &&
                      strcmp(json_get(result->items[0], "id")->string, "201") == 0,
                  "peers %s", out);
        } else if (result && strcmp(name, "peer") == 0) {
            CHECK(strcmp(json_get(result, "state")->string, "OK") == 0, "peer 201 %s", out);
        } else if (result && strcmp(name, "ping") == 0) {
            CHECK(json_get(result, "rtt_ms") && json_get(result, "rtt_ms")->type == JSON_NUMBER, "ping %s", out);
        }
        json_free(result);
        mikopbx_string_free(out);
    }
    json_free(operations);

    char *out = (char *)1;
    CHECK_STATUS(mikopbx_call(client, "nope", NULL, &out), MIKOPBX_ERR_INVALID_ARGUMENT, "unknown operation");
    CHECK(out == NULL && strstr(mikopbx_last_error(), "peer_statuses") != NULL, "names the operations: %s",
          mikopbx_last_error());
    CHECK_STATUS(mikopbx_call(client, "peer", "{}", &out), MIKOPBX_ERR_INVALID_ARGUMENT, "missing id");
    CHECK(strstr(mikopbx_last_error(), "missing argument \"id\"") != NULL, "%s", mikopbx_last_error());
    json *details = json_parse(mikopbx_last_error_json());
    CHECK(details && strcmp(json_get(details, "kind")->string, "invalid_input") == 0, "error details: %s",
          mikopbx_last_error_json());
    CHECK(details && json_get(details, "url")->type == JSON_NULL && json_get(details, "messages")->type == JSON_ARRAY,
          "error details: %s", mikopbx_last_error_json());
    json_free(details);
    CHECK_STATUS(mikopbx_call(client, "peer", "{\"id\":", &out), MIKOPBX_ERR_INVALID_ARGUMENT, "bad JSON");
    CHECK_STATUS(mikopbx_call(client, NULL, NULL, &out), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL operation");
    CHECK_STATUS(mikopbx_call(client, "ping", NULL, NULL), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL out");
    CHECK_STATUS(mikopbx_call(NULL, "ping", NULL, &out), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL client");
    CHECK_STATUS(mikopbx_call(client, "ping", NULL, &out), MIKOPBX_OK, "ping");
    mikopbx_string_free(out);
    CHECK(strcmp(mikopbx_last_error_json(), "null") == 0, "no error details after a success: %s",
          mikopbx_last_error_json());
    mikopbx_client_free(client);

    /* A refused login: kind, status and URL, as in every language. */
    mikopbx_config wrong;
    t_config(&wrong, url);
    wrong.password = "wrong";
    mikopbx_client *refused = t_client(&wrong);
    mikopbx_peer_list *peers = NULL;
    CHECK_STATUS(mikopbx_peer_statuses(refused, &peers), MIKOPBX_ERR_AUTH, "wrong password");
    details = json_parse(mikopbx_last_error_json());
    CHECK(details && strcmp(json_get(details, "kind")->string, "authentication") == 0 &&
              json_get(details, "status")->type == JSON_NUMBER && json_get(details, "url")->type == JSON_STRING,
          "authentication details: %s", mikopbx_last_error_json());
    CHECK(mikopbx_last_error_http_status() > 0, "the status of a refused login");
    CHECK(strstr(mikopbx_last_error_json(), "wrong") == NULL, "no password in the details");
    json_free(details);
    mikopbx_client_free(refused);
}

/* Walks the whole call history through mikopbx_call, page after page by the cursor: every
 * row of the simulator's default history (300) exactly once, oldest first. */
static void call_history_by_cursor(const char *url) {
    mikopbx_config cfg;
    t_config(&cfg, url);
    mikopbx_client *client = t_client(&cfg);
    char cursor[32] = "";
    double expected_id = 1;
    int pages = 0, more = 1;
    while (more && pages < 100) {
        char args[128];
        if (cursor[0]) {
            snprintf(args, sizeof args, "{\"limit\":47,\"cursor\":\"%s\"}", cursor);
        } else {
            snprintf(args, sizeof args, "{\"limit\":47}");
        }
        char *out = NULL;
        CHECK_STATUS(mikopbx_call(client, "cdr", args, &out), MIKOPBX_OK, "cdr page");
        json *page = out ? json_parse(out) : NULL;
        mikopbx_string_free(out);
        if (!page) break;
        const json *records = json_get(page, "records");
        for (size_t i = 0; records && i < records->len; i++) {
            double id = json_get(records->items[i], "id")->number;
            CHECK(id == expected_id, "record %g where %g was next", id, expected_id);
            expected_id = id + 1;
        }
        more = json_get(page, "has_more")->boolean;
        const json *next = json_get(page, "next_cursor");
        CHECK(more == (next->type == JSON_STRING), "a cursor exactly while more follow");
        if (more) snprintf(cursor, sizeof cursor, "%s", next->string);
        json_free(page);
        pages++;
    }
    CHECK(expected_id == 301 && pages == 7, "300 rows in 7 pages: next id %g after %d pages", expected_id, pages);
    mikopbx_client_free(client);
}

static void struct_sizes(const char *url) {
    config_v1 old;
    memset(&old, 0, sizeof old);
    old.struct_size = sizeof old;
    old.url = url;
    old.login = SIM_LOGIN;
    old.password = SIM_PASSWORD;
    mikopbx_client *client = NULL;
    CHECK_STATUS(mikopbx_client_new((const mikopbx_config *)&old, &client), MIKOPBX_OK, "an older, smaller config");
    char *out = NULL;
    CHECK_STATUS(mikopbx_call(client, "peer_statuses", NULL, &out), MIKOPBX_OK, "a call with the older config");
    mikopbx_string_free(out);
    mikopbx_client_free(client);

    mikopbx_config cfg;
    t_config(&cfg, url);
    CHECK(cfg.struct_size == sizeof cfg, "mikopbx_config_init sets struct_size");
    cfg.max_response_bytes = 1024;
    client = t_client(&cfg);
    CHECK_STATUS(mikopbx_call(client, "request", "{\"method\":\"GET\",\"path\":\"system/getDate\"}", &out),
                 MIKOPBX_OK, "a small answer under a small cap");
    mikopbx_string_free(out);
    out = NULL;
    CHECK(sim_control(url, "POST", "/__sim/faults",
                      "{\"kind\":\"huge\",\"bytes\":4096,\"count\":1,\"path\":\"/pbxcore/api/system/getDate\"}",
                      NULL) == 200,
          "fault added");
    CHECK_STATUS(mikopbx_call(client, "request", "{\"method\":\"GET\",\"path\":\"system/getDate\"}", &out),
                 MIKOPBX_ERR_DECODE, "a 4 KiB answer over a 1 KiB cap");
    mikopbx_client_free(client);

    cfg.max_response_bytes = 10;
    client = (mikopbx_client *)1;
    CHECK_STATUS(mikopbx_client_new(&cfg, &client), MIKOPBX_ERR_INVALID_ARGUMENT, "a cap below 1024");

    mikopbx_config zero = {0};
    zero.url = url;
    CHECK_STATUS(mikopbx_client_new(&zero, &client), MIKOPBX_ERR_INVALID_ARGUMENT, "struct_size 0");
    CHECK(strstr(mikopbx_last_error(), "mikopbx_config_init") != NULL, "says how: %s", mikopbx_last_error());
    zero.struct_size = 8;
    CHECK_STATUS(mikopbx_client_new(&zero, &client), MIKOPBX_ERR_INVALID_ARGUMENT, "a too small struct_size");
}

int main(void) {
    const char *legacy = t_env("MIKOPBX_TEST_LEGACY_URL");
    const char *v3 = t_env("MIKOPBX_TEST_V3_URL");
    /* Each step starts from a fresh simulator state: the legacy login throttle counts
     * successful logins too. */
    sim_reset(legacy);
    every_operation(legacy, "legacy");
    sim_reset(v3);
    every_operation(v3, "v3");
    sim_reset(legacy);
    typed_structs_carry_every_field(legacy);
    sim_reset(v3);
    typed_structs_carry_every_field(v3);
    sim_reset(v3);
    call_history_by_cursor(v3);
    sim_reset(legacy);
    struct_sizes(legacy);
    sim_reset(legacy);
    sim_reset(v3);
    sim_reset_done();
    return t_finish("test_call");
}
