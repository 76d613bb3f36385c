/* The C row of `make bench`: mikopbx_peer_statuses against libcurl (one easy handle, kept
 * alive) + cJSON, each call decoding the answer into (id, state) pairs, in interleaved
 * rounds. Prints one JSON line per contender and round (bench/report.py makes the table).
 *
 *   bench_c SMALL_URL BIG_URL ROUNDS
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <mikopbx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

typedef struct {
    const char *url;
    mikopbx_client *client;
    CURL *curl;
    buffer body;
} contender;

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void die(const char *what) {
    fprintf(stderr, "bench_c: %s\n", what);
    exit(1);
}

static size_t collect(char *chunk, size_t size, size_t count, void *user) {
    buffer *b = user;
    size_t n = size * count;
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (b->data == NULL) die("out of memory");
    }
    memcpy(b->data + b->len, chunk, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* The (id, state) pairs, as a caller would keep them. */
typedef struct {
    char *id, *state;
} pair;

static size_t ours(contender *c, pair *out, size_t max) {
    mikopbx_peer_list *peers = NULL;
    if (mikopbx_peer_statuses(c->client, &peers) != MIKOPBX_OK) die(mikopbx_last_error());
    size_t n = peers->len < max ? peers->len : max;
    for (size_t i = 0; i < n; i++) {
        out[i].id = strdup(peers->items[i].id);
        out[i].state = strdup(peers->items[i].state);
    }
    mikopbx_peer_list_free(peers);
    return n;
}

static size_t curl_cjson(contender *c, pair *out, size_t max) {
    c->body.len = 0;
    if (curl_easy_perform(c->curl) != CURLE_OK) die("curl_easy_perform");
    cJSON *doc = cJSON_ParseWithLength(c->body.data, c->body.len);
    if (doc == NULL || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "result"))) die("bad answer");
    size_t n = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(doc, "data")) {
        if (n == max) break;
        out[n].id = strdup(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "id")));
        out[n].state = strdup(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "state")));
        n++;
    }
    cJSON_Delete(doc);
    return n;
}

typedef size_t (*call_fn)(contender *, pair *, size_t);

static double timed(call_fn call, contender *c, int calls, pair *pairs, size_t max, size_t expected) {
    double started = now_us();
    for (int i = 0; i < calls; i++) {
        size_t n = call(c, pairs, max);
        if (n != expected) die("wrong number of peers");
        for (size_t k = 0; k < n; k++) {
            free(pairs[k].id);
            free(pairs[k].state);
        }
    }
    return (now_us() - started) / calls;
}

static void run(const char *size, const char *url, int calls, int rounds) {
    enum { MAX = 20000 };
    pair *pairs = calloc(MAX, sizeof *pairs);
    contender c = {.url = url};
    mikopbx_config cfg;
    mikopbx_config_init(&cfg);
    char base[256];
    snprintf(base, sizeof base, "%.*s", (int)(strstr(url, "/pbxcore/") - url), url);
    cfg.url = base;
    cfg.api_version = "legacy";
    if (mikopbx_client_new(&cfg, &c.client) != MIKOPBX_OK) die(mikopbx_last_error());
    c.curl = curl_easy_init();
    curl_easy_setopt(c.curl, CURLOPT_URL, url);
    curl_easy_setopt(c.curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c.curl, CURLOPT_WRITEDATA, &c.body);
    size_t expected = curl_cjson(&c, pairs, MAX);
    for (size_t k = 0; k < expected; k++) {
        free(pairs[k].id);
        free(pairs[k].state);
    }
    struct {
        const char *name;
        call_fn call;
    } contenders[] = {{"mikopbx", ours}, {"libcurl+cJSON", curl_cjson}};
    for (int k = 0; k < 2; k++) timed(contenders[k].call, &c, calls < 20 ? calls : 20, pairs, MAX, expected);
    for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < 2; k++) {
            int index = (k + round) % 2;
            double us = timed(contenders[index].call, &c, calls, pairs, MAX, expected);
            printf("{\"surface\": \"c\", \"size\": \"%s\", \"contender\": \"%s\", \"round\": %d, \"us_per_call\": %f}\n",
                   size, contenders[index].name, round, us);
            fflush(stdout);
        }
    }
    curl_easy_cleanup(c.curl);
    mikopbx_client_free(c.client);
    free(c.body.data);
    free(pairs);
}

int main(int argc, char **argv) {
    if (argc != 4) die("usage: bench_c SMALL_URL BIG_URL ROUNDS");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rounds = atoi(argv[3]);
    run("small", argv[1], 300, rounds);
    run("big", argv[2], 8, rounds);
    curl_global_cleanup();
    mikopbx_shutdown();
    return 0;
}
