/* Creates, uses and frees clients and results in a loop: under valgrind, nothing leaks. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "testlib.h"

#define ITERATIONS 4

int main(void) {
    const char *url = t_env("MIKOPBX_TEST_LEGACY_URL");
    sim_reset(url);
    for (int i = 0; i < ITERATIONS; i++) {
        CHECK(sim_control(url, "POST", "/__sim/throttle/reset", NULL, NULL) == 200, "throttle reset");
        mikopbx_config cfg;
        t_config(&cfg, url);
        mikopbx_client *client = t_client(&cfg);
        mikopbx_peer_list *peers = NULL;
        mikopbx_peer_detail *detail = NULL;
        mikopbx_provider_list *providers = NULL;
        char *text = NULL;
        CHECK_STATUS(mikopbx_login(client), MIKOPBX_OK, "login");
        CHECK_STATUS(mikopbx_peer_statuses(client, &peers), MIKOPBX_OK, "peers");
        CHECK(peers != NULL && peers->len == 3 && strcmp(peers->items[0].id, "201") == 0 &&
                  strstr(peers->items[0].raw_json, "201") != NULL,
              "peer list");
        CHECK_STATUS(mikopbx_peer(client, "201", &detail), MIKOPBX_OK, "peer 201");
        CHECK(detail != NULL && detail->contact != NULL && detail->contact->has_roundtrip_usec &&
                  detail->contact->roundtrip_usec == 5871 && detail->other_contacts_len == 0 &&
                  detail->other_contacts == NULL && strstr(detail->contact->fields_json, "\"RoundtripUsec\"") != NULL,
              "peer 201 detail");
        CHECK_STATUS(mikopbx_provider_registrations(client, &providers), MIKOPBX_OK, "providers");
        CHECK(providers != NULL && providers->len == 2 && strcmp(providers->items[1].state, "OK") == 0, "providers");
        CHECK_STATUS(mikopbx_request_json(client, "POST", "sip/getSipPeer", "{\"peer\":\"201\"}", &text), MIKOPBX_OK,
                     "request");
        CHECK(text != NULL && strstr(text, "\"result\":true") != NULL, "request answer: %s", text != NULL ? text : "(none)");
        mikopbx_string_free(text);
        double rtt_ms = -1;
        CHECK_STATUS(mikopbx_ping(client, &rtt_ms), MIKOPBX_OK, "ping");
        CHECK(rtt_ms >= 0 && rtt_ms < 60000, "ping's round trip: %f ms", rtt_ms);
        /* Failures allocate messages too. */
        CHECK_STATUS(mikopbx_request_json(client, "GET", "sip/noSuchAction", NULL, &text), MIKOPBX_ERR_API,
                     "unknown action");
        CHECK(text == NULL, "no answer on failure");
        CHECK_STATUS(mikopbx_logout(client), MIKOPBX_OK, "logout");
        mikopbx_peer_list_free(peers);
        mikopbx_peer_detail_free(detail);
        mikopbx_provider_list_free(providers);
        mikopbx_client_free(client);
    }
    sim_reset_done();
    return t_finish("test_loop");
}
