/* On each API generation, eight threads share one client: every call succeeds, they share one login (renewed once
 * when the simulator ends all sessions between rounds), and each thread keeps its own last
 * error. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define THREADS 8
#define ROUNDS 2

static mikopbx_client *client;
static pthread_barrier_t barrier;

typedef struct {
    int index;
    int failures; /* counted here, checked on the main thread */
} worker;

static void *work(void *arg) {
    worker *w = arg;
    char id[8];
    snprintf(id, sizeof id, "%d", w->index % 2 == 0 ? 201 : 240);
    for (int round = 0; round < ROUNDS; round++) {
        pthread_barrier_wait(&barrier); /* start together */
        mikopbx_peer_list *peers = NULL;
        mikopbx_peer_detail *detail = NULL;
        mikopbx_provider_list *providers = NULL;
        char *text = NULL;
        w->failures += mikopbx_peer_statuses(client, &peers) != MIKOPBX_OK || peers->len != 3;
        w->failures += mikopbx_peer(client, id, &detail) != MIKOPBX_OK || strcmp(detail->id, id) != 0 ||
                       (detail->contact != NULL) != (w->index % 2 == 0);
        w->failures += mikopbx_provider_registrations(client, &providers) != MIKOPBX_OK || providers->len != 2;
        w->failures += mikopbx_request_json(client, "GET", "/pbxcore/api/system/ping", NULL, &text) != MIKOPBX_OK ||
                       strstr(text, "PONG") == NULL;
        w->failures += mikopbx_ping(client, NULL) != MIKOPBX_OK;
        if (w->failures > 0) {
            fprintf(stderr, "thread %d round %d: %s\n", w->index, round, mikopbx_last_error());
        }
        mikopbx_peer_list_free(peers);
        mikopbx_peer_detail_free(detail);
        mikopbx_provider_list_free(providers);
        mikopbx_string_free(text);

        /* Odd threads fail, even ones succeed; each sees only its own outcome. */
        int failing = w->index % 2 == 1;
        mikopbx_status status = mikopbx_peer(client, failing ? "" : "201", &detail);
        mikopbx_peer_detail_free(detail);
        pthread_barrier_wait(&barrier); /* everybody has made that call */
        const char *message = mikopbx_last_error();
        w->failures += failing ? (status != MIKOPBX_ERR_INVALID_ARGUMENT || strstr(message, "peer id") == NULL)
                               : (status != MIKOPBX_OK || message[0] != '\0');
        pthread_barrier_wait(&barrier); /* the main thread may now expire the sessions */
    }
    return NULL;
}

/* The simulator's login counter. */
static int sim_logins(const char *url) {
    char *body = NULL;
    int logins = -1;
    if (sim_control(url, "GET", "/__sim/stats", NULL, &body) == 200) {
        json *stats = json_parse(body);
        const json *value = json_get(stats, "logins");
        logins = value != NULL && value->type == JSON_NUMBER ? (int)value->number : -1;
        json_free(stats);
    }
    free(body);
    return logins;
}

static void run(const char *api, const char *url) {
    sim_reset(url);
    int logins_before = sim_logins(url);
    mikopbx_config cfg;
    t_config(&cfg, url);
    client = t_client(&cfg);
    pthread_barrier_init(&barrier, NULL, THREADS + 1);
    pthread_t threads[THREADS];
    worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (worker){.index = i, .failures = 0};
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0, "%s: thread %d starts", api, i);
    }
    for (int round = 0; round < ROUNDS; round++) {
        pthread_barrier_wait(&barrier);
        pthread_barrier_wait(&barrier);
        pthread_barrier_wait(&barrier);
        CHECK(sim_control(url, "POST", "/__sim/sessions/expire", NULL, NULL) == 200, "sessions expired");
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].failures == 0, "%s: thread %d: %d failed calls", api, i, workers[i].failures);
    }
    int logins = sim_logins(url) - logins_before;
    CHECK(logins >= 1 && logins <= ROUNDS, "%s: the threads shared the login: %d logins for %d rounds", api, logins,
          ROUNDS);
    pthread_barrier_destroy(&barrier);
    mikopbx_client_free(client);
}

int main(void) {
    run("legacy", t_env("MIKOPBX_TEST_LEGACY_URL"));
    run("v3", t_env("MIKOPBX_TEST_V3_URL"));
    sim_reset_done();
    return t_finish("test_threads");
}
