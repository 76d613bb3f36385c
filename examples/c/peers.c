/* Lists a PBX's peers, one peer's contact and the providers through the MikoPBX C API.
 *
 *   cc -std=c11 -o peers peers.c $(pkg-config --cflags --libs mikopbx)
 *   MIKOPBX_URL=https://pbx.example.com MIKOPBX_LOGIN=admin MIKOPBX_PASSWORD=secret \
 *   MIKOPBX_PIN_SHA256=ab:cd:... ./peers [PEER_ID]
 *
 * MIKOPBX_LOGIN / MIKOPBX_PASSWORD, MIKOPBX_API_KEY and MIKOPBX_PIN_SHA256 are optional.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mikopbx.h>

static int fail(const char *what, mikopbx_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, mikopbx_status_name(status), mikopbx_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *peer_id = argc > 1 ? argv[1] : "201";
    mikopbx_config cfg;
    mikopbx_config_init(&cfg);
    cfg.url = getenv("MIKOPBX_URL");
    cfg.login = getenv("MIKOPBX_LOGIN");
    cfg.password = getenv("MIKOPBX_PASSWORD");
    cfg.api_key = getenv("MIKOPBX_API_KEY");
    cfg.pin_sha256 = getenv("MIKOPBX_PIN_SHA256");

    mikopbx_client *client = NULL;
    mikopbx_status status = mikopbx_client_new(&cfg, &client);
    if (status != MIKOPBX_OK) {
        return fail("configuration", status);
    }
    int exit_code = 0;

    mikopbx_peer_list *peers = NULL;
    status = mikopbx_peer_statuses(client, &peers);
    if (status == MIKOPBX_OK) {
        printf("peers (mikopbx %s):\n", mikopbx_version());
        for (size_t i = 0; i < peers->len; i++) {
            printf("  %-8s %s\n", peers->items[i].id, peers->items[i].state);
        }
        mikopbx_peer_list_free(peers);
    } else {
        exit_code = fail("peers", status);
    }

    mikopbx_peer_detail *peer = NULL;
    status = mikopbx_peer(client, peer_id, &peer);
    if (status == MIKOPBX_OK) {
        printf("peer %s: %s\n", peer->id, peer->state);
        if (peer->contact != NULL) {
            printf("  contact %s (%s", peer->contact->uri, peer->contact->status ? peer->contact->status : "no status");
            if (peer->contact->has_roundtrip_usec) {
                printf(", %llu us", (unsigned long long)peer->contact->roundtrip_usec);
            }
            printf(")\n");
        } else {
            printf("  not registered\n");
        }
        mikopbx_peer_detail_free(peer);
    } else {
        exit_code = fail("peer", status);
    }

    mikopbx_provider_list *providers = NULL;
    status = mikopbx_provider_registrations(client, &providers);
    if (status == MIKOPBX_OK) {
        printf("providers:\n");
        for (size_t i = 0; i < providers->len; i++) {
            printf("  %-16s %-12s %s@%s\n", providers->items[i].id, providers->items[i].state,
                   providers->items[i].username, providers->items[i].host);
        }
        mikopbx_provider_list_free(providers);
    } else {
        exit_code = fail("providers", status);
    }

    mikopbx_client_free(client);
    /* The library's threads end here, not at exit (valgrind-clean). */
    mikopbx_shutdown();
    return exit_code;
}
