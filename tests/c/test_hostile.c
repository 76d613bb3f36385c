/* A hostile server seen from C: NUL characters stay visible, numeric ids keep their text,
 * absurd token lifetimes and endless bodies give typed statuses (never MIKOPBX_ERR_PANIC),
 * and a server quoting the password does not put it into mikopbx_last_error(). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static const char *url;

static void nul_characters_become_visible(mikopbx_client *client) {
    int status = sim_control(url, "PUT", "/__sim/peers/250",
                             "{\"state\":\"OK\",\"contacts\":[{\"URI\":\"sip:250@h\",\"UserAgent\":\"Phone\\u0000X\"}]}",
                             NULL);
    CHECK(status == 200, "peer 250 set (HTTP %d)", status);
    mikopbx_peer_detail *detail = NULL;
    CHECK_STATUS(mikopbx_peer(client, "250", &detail), MIKOPBX_OK, "peer 250");
    if (detail != NULL && detail->contact != NULL) {
        CHECK(strcmp(detail->contact->user_agent, "Phone\xEF\xBF\xBDX") == 0, "NUL became U+FFFD: %s",
              detail->contact->user_agent);
        CHECK(strstr(detail->contact->fields_json, "Phone\\u0000X") != NULL, "the JSON keeps it: %s",
              detail->contact->fields_json);
    } else {
        CHECK(0, "peer 250 has a contact");
    }
    mikopbx_peer_detail_free(detail);
}

static void numeric_ids_keep_their_text(mikopbx_client *client) {
    sim_fault(url, "{\"kind\":\"answer\",\"status\":200,\"count\":1,\"path\":\"/pbxcore/api/sip/getPeersStatuses\","
          "\"body\":\"{\\\"result\\\":true,\\\"data\\\":[{\\\"id\\\":201,\\\"state\\\":\\\"OK\\\"},"
          "{\\\"id\\\":123456789012345678901234567890,\\\"state\\\":\\\"OK\\\"},{\\\"id\\\":201.50,\\\"state\\\":\\\"OK\\\"}]}\"}");
    mikopbx_peer_list *peers = NULL;
    CHECK_STATUS(mikopbx_peer_statuses(client, &peers), MIKOPBX_OK, "numeric ids");
    if (peers != NULL && peers->len == 3) {
        CHECK(strcmp(peers->items[0].id, "201") == 0, "201: %s", peers->items[0].id);
        CHECK(strcmp(peers->items[1].id, "123456789012345678901234567890") == 0, "big: %s", peers->items[1].id);
        CHECK(strcmp(peers->items[2].id, "201.50") == 0, "as sent: %s", peers->items[2].id);
    } else {
        CHECK(0, "three peers");
    }
    mikopbx_peer_list_free(peers);
}

static void endless_bodies_are_decode_errors(mikopbx_client *client) {
    sim_fault(url, "{\"kind\":\"endless\",\"count\":1,\"path\":\"/pbxcore/api/sip/getPeersStatuses\"}");
    mikopbx_peer_list *peers = NULL;
    CHECK_STATUS(mikopbx_peer_statuses(client, &peers), MIKOPBX_ERR_DECODE, "endless body");
    CHECK(strstr(mikopbx_last_error(), "larger than") != NULL, "says why: %s", mikopbx_last_error());
    mikopbx_peer_list_free(peers);
}

static void quoted_passwords_are_redacted(mikopbx_client *client) {
    sim_fault(url, "{\"kind\":\"answer\",\"status\":200,\"count\":1,\"path\":\"/pbxcore/api/sip/getRegistry\","
          "\"body\":\"{\\\"result\\\":false,\\\"messages\\\":{\\\"error\\\":[\\\"password " SIM_PASSWORD
          " is wrong\\\"]}}\"}");
    mikopbx_provider_list *providers = NULL;
    CHECK_STATUS(mikopbx_provider_registrations(client, &providers), MIKOPBX_ERR_API, "quoted password");
    CHECK(strstr(mikopbx_last_error(), SIM_PASSWORD) == NULL, "no password: %s", mikopbx_last_error());
    CHECK(strstr(mikopbx_last_error(), "<redacted>") != NULL, "redacted: %s", mikopbx_last_error());
    mikopbx_provider_list_free(providers);
}

static void absurd_token_lifetimes_are_no_panic(void) {
    const char *v3 = t_env("MIKOPBX_TEST_V3_URL");
    sim_reset(v3);
    int status = sim_control(v3, "POST", "/__sim/faults",
                             "{\"kind\":\"answer\",\"status\":200,\"count\":1,\"path\":\"/pbxcore/api/v3/auth:login\","
                             "\"body\":\"{\\\"result\\\":true,\\\"data\\\":{\\\"accessToken\\\":\\\"a.b.c\\\","
                             "\\\"expiresIn\\\":18446744073709551615}}\"}",
                             NULL);
    CHECK(status == 200, "login fault accepted (HTTP %d)", status);
    mikopbx_config cfg;
    t_config(&cfg, v3);
    mikopbx_client *client = t_client(&cfg);
    CHECK_STATUS(mikopbx_login(client), MIKOPBX_OK, "login with an absurd lifetime");
    mikopbx_peer_list *peers = NULL;
    CHECK_STATUS(mikopbx_peer_statuses(client, &peers), MIKOPBX_OK, "the forged token is replaced");
    mikopbx_peer_list_free(peers);
    mikopbx_client_free(client);
}

int main(void) {
    url = t_env("MIKOPBX_TEST_LEGACY_URL");
    sim_reset(url);
    mikopbx_config cfg;
    t_config(&cfg, url);
    mikopbx_client *client = t_client(&cfg);
    nul_characters_become_visible(client);
    numeric_ids_keep_their_text(client);
    endless_bodies_are_decode_errors(client);
    quoted_passwords_are_redacted(client);
    mikopbx_client_free(client);
    absurd_token_lifetimes_are_no_panic();
    sim_reset(url);
    sim_reset_done();
    return t_finish("test_hostile");
}
