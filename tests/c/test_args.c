/* NULL and garbage arguments to every entry point: MIKOPBX_ERR_INVALID_ARGUMENT, out
 * parameters left NULL, never a crash. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "testlib.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, (char)0xFF, 0};

#define CHECK_INVALID(call, what) CHECK_STATUS((call), MIKOPBX_ERR_INVALID_ARGUMENT, (what))

static mikopbx_config base;

/* client_new with one field of `base` changed must be refused. */
static void refused(const mikopbx_config *cfg, const char *what) {
    mikopbx_client *client = (mikopbx_client *)&base; /* garbage that must be overwritten */
    CHECK_INVALID(mikopbx_client_new(cfg, &client), what);
    CHECK(client == NULL, "%s: out is NULL after a failure", what);
    CHECK(mikopbx_last_error()[0] != '\0', "%s: has a message", what);
}

static void config_arguments(const char *url) {
    mikopbx_config cfg;
    mikopbx_client *client = NULL;
    CHECK_INVALID(mikopbx_client_new(NULL, &client), "NULL config");
    CHECK_INVALID(mikopbx_client_new(&base, NULL), "NULL out");
    mikopbx_config_init(NULL);

    cfg = base; cfg.url = NULL; refused(&cfg, "NULL url");
    cfg = base; cfg.url = BAD_UTF8; refused(&cfg, "non-UTF-8 url");
    cfg = base; cfg.url = "not a url"; refused(&cfg, "garbage url");
    cfg = base; cfg.url = "ftp://127.0.0.1/"; refused(&cfg, "ftp url");
    cfg = base; cfg.url = ""; refused(&cfg, "empty url");
    cfg = base; cfg.login = BAD_UTF8; refused(&cfg, "non-UTF-8 login");
    cfg = base; cfg.password = BAD_UTF8; refused(&cfg, "non-UTF-8 password");
    CHECK(strstr(mikopbx_last_error(), SIM_PASSWORD) == NULL, "no password in the message");
    cfg = base; cfg.password = NULL; refused(&cfg, "login without password");
    cfg = base; cfg.login = NULL; refused(&cfg, "password without login");
    cfg = base; cfg.api_key = "key"; refused(&cfg, "login and api_key together");
    cfg = base; cfg.login = NULL; cfg.password = NULL; cfg.api_key = BAD_UTF8; refused(&cfg, "non-UTF-8 api_key");
    cfg = base; cfg.login = NULL; cfg.password = NULL; cfg.api_key = "  "; refused(&cfg, "blank api_key");
    cfg = base; cfg.api_version = "v7"; refused(&cfg, "unknown api_version");
    cfg = base; cfg.api_version = BAD_UTF8; refused(&cfg, "non-UTF-8 api_version");
    cfg = base; cfg.pin_sha256 = "xyz"; refused(&cfg, "garbage pin");
    cfg = base; cfg.pin_sha256 = "abcd"; refused(&cfg, "short pin");
    cfg = base; cfg.pin_sha256 = BAD_UTF8; refused(&cfg, "non-UTF-8 pin");
    cfg = base; cfg.ca_cert_pem = "-----BEGIN CERTIFICATE-----\ngarbage\n"; refused(&cfg, "garbage PEM");
    cfg = base; cfg.ca_cert_pem = BAD_UTF8; refused(&cfg, "non-UTF-8 PEM");
    cfg = base; cfg.insecure = 1; cfg.pin_sha256 = "ab"; refused(&cfg, "insecure with a pin");
    cfg = base; cfg.insecure = 0x7f7f; cfg.ca_cert_pem = "x"; refused(&cfg, "insecure (any non-zero) with a CA");
    cfg = base; cfg.retries = -2; refused(&cfg, "negative retries");
    cfg = base; cfg.user_agent = BAD_UTF8; refused(&cfg, "non-UTF-8 user agent");

    /* Defaults: a zeroed config with only its size and a URL works, and so does every
     * option set. */
    mikopbx_config zero = {0};
    zero.struct_size = sizeof zero;
    zero.url = url;
    client = NULL;
    CHECK_STATUS(mikopbx_client_new(&zero, &client), MIKOPBX_OK, "zeroed config with its size and a URL");
    mikopbx_client_free(client);
    cfg = base;
    cfg.api_version = "legacy";
    cfg.timeout_ms = 5000;
    cfg.connect_timeout_ms = 1000;
    cfg.retries = 3;
    cfg.user_agent = "c-test/1";
    client = NULL;
    CHECK_STATUS(mikopbx_client_new(&cfg, &client), MIKOPBX_OK, "every option");
    CHECK_STATUS(mikopbx_ping(client, NULL), MIKOPBX_OK, "ping with every option");
    mikopbx_client_free(client);
}

static void call_arguments(mikopbx_client *client) {
    mikopbx_peer_list *peers = (mikopbx_peer_list *)&base;
    mikopbx_peer_detail *detail = (mikopbx_peer_detail *)&base;
    mikopbx_provider_list *providers = (mikopbx_provider_list *)&base;
    char *text = (char *)&base;

    CHECK_INVALID(mikopbx_login(NULL), "login without client");
    CHECK_INVALID(mikopbx_logout(NULL), "logout without client");
    CHECK_INVALID(mikopbx_ping(NULL, NULL), "ping without client");
    CHECK_INVALID(mikopbx_peer_statuses(NULL, &peers), "peer_statuses without client");
    CHECK(peers == NULL, "peer list out reset");
    CHECK_INVALID(mikopbx_peer_statuses(client, NULL), "peer_statuses without out");
    CHECK_INVALID(mikopbx_provider_registrations(NULL, &providers), "providers without client");
    CHECK(providers == NULL, "provider list out reset");
    CHECK_INVALID(mikopbx_provider_registrations(client, NULL), "providers without out");
    CHECK_INVALID(mikopbx_peer(NULL, "201", &detail), "peer without client");
    CHECK(detail == NULL, "detail out reset");
    CHECK_INVALID(mikopbx_peer(client, NULL, &detail), "peer without id");
    CHECK_INVALID(mikopbx_peer(client, BAD_UTF8, &detail), "non-UTF-8 peer id");
    CHECK_INVALID(mikopbx_peer(client, "  ", &detail), "blank peer id");
    CHECK_INVALID(mikopbx_peer(client, "201", NULL), "peer without out");
    CHECK(detail == NULL, "detail stays NULL");

    CHECK_INVALID(mikopbx_request_json(NULL, "GET", "system/ping", NULL, &text), "request without client");
    CHECK(text == NULL, "text out reset");
    CHECK_INVALID(mikopbx_request_json(client, NULL, "system/ping", NULL, &text), "request without method");
    CHECK_INVALID(mikopbx_request_json(client, "GET", NULL, NULL, &text), "request without path");
    CHECK_INVALID(mikopbx_request_json(client, "GET", "system/ping", NULL, NULL), "request without out");
    CHECK_INVALID(mikopbx_request_json(client, BAD_UTF8, "system/ping", NULL, &text), "non-UTF-8 method");
    CHECK_INVALID(mikopbx_request_json(client, "GET", BAD_UTF8, NULL, &text), "non-UTF-8 path");
    CHECK_INVALID(mikopbx_request_json(client, "POST", "sip/getSipPeer", BAD_UTF8, &text), "non-UTF-8 body");
    CHECK_INVALID(mikopbx_request_json(client, "POST", "sip/getSipPeer", "{\"peer\":", &text), "truncated JSON body");
    CHECK_INVALID(mikopbx_request_json(client, "G E T", "system/ping", NULL, &text), "garbage method");
    CHECK_INVALID(mikopbx_request_json(client, "GET", "", NULL, &text), "empty path");
    CHECK_INVALID(mikopbx_request_json(client, "GET", "http://elsewhere.example/x", NULL, &text), "URL as path");
    CHECK(text == NULL, "text stays NULL");

    /* The free functions take NULL. */
    mikopbx_peer_list_free(NULL);
    mikopbx_peer_detail_free(NULL);
    mikopbx_provider_list_free(NULL);
    mikopbx_string_free(NULL);
    mikopbx_client_free(NULL);
    CHECK(mikopbx_last_error() != NULL, "last error is never NULL");

    /* The client still works after all that. */
    CHECK_STATUS(mikopbx_peer(client, "201", &detail), MIKOPBX_OK, "peer 201 afterwards");
    CHECK(detail != NULL && detail->contact != NULL && strcmp(detail->state, "OK") == 0, "peer 201 registered");
    CHECK(detail != NULL && detail->raw_json != NULL && strstr(detail->raw_json, "\"URI\"") != NULL, "raw JSON kept");
    mikopbx_peer_detail_free(detail);
    CHECK_STATUS(mikopbx_logout(client), MIKOPBX_OK, "logout");
    CHECK_STATUS(mikopbx_logout(client), MIKOPBX_OK, "logout without a session");
}

int main(void) {
    const char *url = t_env("MIKOPBX_TEST_LEGACY_URL");
    sim_reset(url);
    CHECK(mikopbx_last_error() != NULL && mikopbx_last_error()[0] == '\0', "no error before the first call");
    t_config(&base, url);
    config_arguments(url);
    mikopbx_client *client = t_client(&base);
    call_arguments(client);
    mikopbx_client_free(client);
    sim_reset_done();
    return t_finish("test_args");
}
