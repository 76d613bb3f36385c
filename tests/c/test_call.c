/* mikopbx_call and mikopbx_operations: every operation of the list runs by name on both
 * generations; bad names and arguments are invalid arguments. Also: the config's struct_size
 * (an older, smaller struct still works; an uninitialised one is refused). */
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
        /* The example as JSON text: rebuilt from its parsed form (flat objects of strings). */
        const json *example = json_get(op, "example");
        char args[512] = "{";
        for (size_t k = 0; k < example->len; k++) {
            size_t used = strlen(args);
            snprintf(args + used, sizeof args - used, "%s\"%s\":\"%s\"", k ? "," : "", example->keys[k],
                     example->items[k]->string);
        }
        strncat(args, "}", sizeof args - strlen(args) - 1);
        char *out = NULL;
        mikopbx_status status = mikopbx_call(client, name, args, &out);
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
    CHECK_STATUS(mikopbx_call(client, "peer", "{\"id\":", &out), MIKOPBX_ERR_INVALID_ARGUMENT, "bad JSON");
    CHECK_STATUS(mikopbx_call(client, NULL, NULL, &out), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL operation");
    CHECK_STATUS(mikopbx_call(client, "ping", NULL, NULL), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL out");
    CHECK_STATUS(mikopbx_call(NULL, "ping", NULL, &out), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL client");
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
    every_operation(t_env("MIKOPBX_TEST_LEGACY_URL"), "legacy");
    every_operation(t_env("MIKOPBX_TEST_V3_URL"), "v3");
    struct_sizes(t_env("MIKOPBX_TEST_LEGACY_URL"));
    sim_reset(t_env("MIKOPBX_TEST_LEGACY_URL"));
    sim_reset_done();
    return t_finish("test_call");
}
