/* Every status code from a real simulator fault, TLS trust options against the HTTPS
 * simulator, and error messages that never show a secret. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testlib.h"

#define SECRET_PASSWORD "wrong-but-secret-pw-1234"
#define SECRET_KEY "secret-api-key-5678"

static const char *url;

/* The last error after a failure does not show any secret. */
static void check_no_secret(const char *what) {
    const char *message = mikopbx_last_error();
    CHECK(strstr(message, SECRET_PASSWORD) == NULL && strstr(message, SECRET_KEY) == NULL &&
              strstr(message, SIM_PASSWORD) == NULL && strstr(message, "PHPSESSID") == NULL,
          "%s: the message shows no secret: %s", what, message);
}

/* Peer statuses with `cfg`, expecting `expected`. */
static void expect_peers(const mikopbx_config *cfg, mikopbx_status expected, const char *what) {
    mikopbx_client *client = t_client(cfg);
    mikopbx_peer_list *list = NULL;
    mikopbx_status status = mikopbx_peer_statuses(client, &list);
    CHECK_STATUS(status, expected, what);
    CHECK((status == MIKOPBX_OK) == (list != NULL), "%s: out set exactly on success", what);
    if (expected != MIKOPBX_OK) {
        CHECK(mikopbx_last_error()[0] != '\0', "%s: a failure has a message", what);
        check_no_secret(what);
    } else {
        CHECK(list != NULL && list->len == 3, "%s: three peers", what);
    }
    mikopbx_peer_list_free(list);
    mikopbx_client_free(client);
}

/* A loopback port nobody listens on. */
static int closed_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof address;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&address, sizeof address) == 0 &&
        getsockname(fd, (struct sockaddr *)&address, &len) == 0) {
        port = ntohs(address.sin_port);
    }
    close(fd);
    return port;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *text = calloc(1, 65536);
    size_t got = fread(text, 1, 65535, f);
    text[got] = '\0';
    fclose(f);
    return text;
}

static void auth_api_http(void) {
    mikopbx_config cfg;
    sim_reset(url);
    t_config(&cfg, url);
    cfg.password = SECRET_PASSWORD;
    expect_peers(&cfg, MIKOPBX_ERR_AUTH, "wrong password");
    CHECK(strstr(mikopbx_last_error(), "Authorization failed") != NULL, "the server's message is kept: %s",
          mikopbx_last_error());

    sim_reset(url);
    t_config(&cfg, url);
    mikopbx_client *client = t_client(&cfg);
    char *out = NULL;
    CHECK_STATUS(mikopbx_request_json(client, "GET", "sip/noSuchAction", NULL, &out), MIKOPBX_ERR_API,
                 "unknown action");
    CHECK(out == NULL, "no answer on failure");
    CHECK(strstr(mikopbx_last_error(), "noSuchAction") != NULL, "API message: %s", mikopbx_last_error());
    CHECK_STATUS(mikopbx_request_json(client, "GET", "/pbxcore/api/nosuchgroup/x", NULL, &out), MIKOPBX_ERR_HTTP,
                 "unknown route");
    CHECK(mikopbx_last_error_http_status() == 404, "404 kept, got %d", mikopbx_last_error_http_status());
    sim_fault(url, "{\"kind\":\"status\",\"status\":500,\"count\":1,\"path\":\"/pbxcore/api/sip/getRegistry\"}");
    mikopbx_provider_list *providers = NULL;
    CHECK_STATUS(mikopbx_provider_registrations(client, &providers), MIKOPBX_ERR_HTTP, "500");
    CHECK(mikopbx_last_error_http_status() == 500, "500 kept, got %d", mikopbx_last_error_http_status());
    CHECK(providers == NULL, "no list on failure");
    CHECK_STATUS(mikopbx_provider_registrations(client, &providers), MIKOPBX_OK, "after the one-off fault");
    CHECK(mikopbx_last_error()[0] == '\0' && mikopbx_last_error_http_status() == 0, "success clears the last error");
    mikopbx_provider_list_free(providers);
    sim_fault(url, "{\"kind\":\"html\",\"count\":1,\"path\":\"/pbxcore/api/sip/getPeersStatuses\"}");
    mikopbx_peer_list *peers = NULL;
    CHECK_STATUS(mikopbx_peer_statuses(client, &peers), MIKOPBX_ERR_DECODE, "html body");
    CHECK(peers == NULL, "no list on failure");
    mikopbx_client_free(client);
}

static void transport_timeout(void) {
    mikopbx_config cfg;
    sim_reset(url);
    sim_fault(url, "{\"kind\":\"drop\",\"path\":\"/pbxcore/api/sip/getPeersStatuses\"}");
    t_config(&cfg, url);
    cfg.retries = MIKOPBX_RETRIES_NONE;
    expect_peers(&cfg, MIKOPBX_ERR_TRANSPORT, "dropped connection");

    char closed[64];
    snprintf(closed, sizeof closed, "http://127.0.0.1:%d", closed_port());
    t_config(&cfg, closed);
    cfg.retries = MIKOPBX_RETRIES_NONE;
    expect_peers(&cfg, MIKOPBX_ERR_TRANSPORT, "closed port");

    sim_reset(url);
    sim_fault(url, "{\"kind\":\"delay\",\"delay_ms\":3000,\"count\":1,\"path\":\"/pbxcore/api/sip/getPeersStatuses\"}");
    t_config(&cfg, url);
    cfg.timeout_ms = 400;
    expect_peers(&cfg, MIKOPBX_ERR_TIMEOUT, "slow server");
}

static void tls(void) {
    const char *https = t_env("MIKOPBX_TEST_HTTPS_URL");
    const char *sha256 = t_env("MIKOPBX_TEST_HTTPS_SHA256");
    char *pem = read_file(t_env("MIKOPBX_TEST_HTTPS_CERT"));
    CHECK(pem != NULL && strstr(pem, "BEGIN CERTIFICATE") != NULL, "the simulator wrote its certificate");
    mikopbx_config cfg;

    t_config(&cfg, https);
    cfg.retries = MIKOPBX_RETRIES_NONE;
    expect_peers(&cfg, MIKOPBX_ERR_TLS, "self-signed certificate, default verification");

    t_config(&cfg, https);
    cfg.pin_sha256 = "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff";
    expect_peers(&cfg, MIKOPBX_ERR_TLS, "wrong pin");

    t_config(&cfg, https);
    cfg.pin_sha256 = sha256;
    expect_peers(&cfg, MIKOPBX_OK, "right pin");

    t_config(&cfg, https);
    cfg.ca_cert_pem = pem;
    expect_peers(&cfg, MIKOPBX_OK, "certificate as extra CA");

    t_config(&cfg, https);
    cfg.insecure = 1;
    expect_peers(&cfg, MIKOPBX_OK, "insecure");
    free(pem);
}

static void unsupported_and_invalid(void) {
    mikopbx_config cfg;
    sim_reset(url);
    mikopbx_config_init(&cfg);
    cfg.url = url;
    cfg.api_key = SECRET_KEY;
    expect_peers(&cfg, MIKOPBX_ERR_UNSUPPORTED, "api key against the legacy simulator");

    /* The same kind of key works against a v3 server; a wrong one is an authentication error. */
    const char *v3 = t_env("MIKOPBX_TEST_V3_URL");
    sim_reset(v3);
    char *key = sim_api_key(v3);
    CHECK(key != NULL, "the v3 simulator has an API key");
    mikopbx_config_init(&cfg);
    cfg.url = v3;
    cfg.api_key = key;
    cfg.api_version = "v3";
    expect_peers(&cfg, MIKOPBX_OK, "api key against the v3 simulator");
    free(key);
    cfg.api_key = SECRET_KEY;
    expect_peers(&cfg, MIKOPBX_ERR_AUTH, "wrong api key against the v3 simulator");

    mikopbx_client *client = NULL;
    t_config(&cfg, "http://admin:" SECRET_PASSWORD "@127.0.0.1:1");
    CHECK_STATUS(mikopbx_client_new(&cfg, &client), MIKOPBX_ERR_INVALID_ARGUMENT, "credentials in the URL");
    CHECK(client == NULL, "no client on failure");
    check_no_secret("credentials in the URL");
    CHECK_STATUS(mikopbx_client_new(NULL, &client), MIKOPBX_ERR_INVALID_ARGUMENT, "NULL config");
}

static void status_names(void) {
    static const struct {
        mikopbx_status status;
        const char *name;
    } names[] = {
        {MIKOPBX_OK, "MIKOPBX_OK"},
        {MIKOPBX_ERR_INVALID_ARGUMENT, "MIKOPBX_ERR_INVALID_ARGUMENT"},
        {MIKOPBX_ERR_AUTH, "MIKOPBX_ERR_AUTH"},
        {MIKOPBX_ERR_API, "MIKOPBX_ERR_API"},
        {MIKOPBX_ERR_HTTP, "MIKOPBX_ERR_HTTP"},
        {MIKOPBX_ERR_TRANSPORT, "MIKOPBX_ERR_TRANSPORT"},
        {MIKOPBX_ERR_TIMEOUT, "MIKOPBX_ERR_TIMEOUT"},
        {MIKOPBX_ERR_TLS, "MIKOPBX_ERR_TLS"},
        {MIKOPBX_ERR_DECODE, "MIKOPBX_ERR_DECODE"},
        {MIKOPBX_ERR_UNSUPPORTED, "MIKOPBX_ERR_UNSUPPORTED"},
        {MIKOPBX_ERR_PANIC, "MIKOPBX_ERR_PANIC"},
        {MIKOPBX_ERR_RATE_LIMITED, "MIKOPBX_ERR_RATE_LIMITED"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK(strcmp(mikopbx_status_name(names[i].status), names[i].name) == 0, "name of %d", (int)names[i].status);
    }
    CHECK(strcmp(mikopbx_status_name(-1), "MIKOPBX_UNKNOWN_STATUS") == 0, "name of -1");
    CHECK(strcmp(mikopbx_status_name(12), "MIKOPBX_UNKNOWN_STATUS") == 0, "name of 12");
    CHECK(strcmp(mikopbx_version(), "0.0.0") > 0, "version %s", mikopbx_version());
}

int main(void) {
    url = t_env("MIKOPBX_TEST_LEGACY_URL");
    status_names();
    auth_api_http();
    transport_timeout();
    tls();
    unsupported_and_invalid();
    sim_reset_done();
    return t_finish("test_errors");
}
