/* The log callback: a retried call and a login reach it at their levels, from whatever
 * thread logs, with no secret; MIKOPBX_LOG_OFF stops it; bad levels are refused. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

/* What the callback saw, guarded by its own lock (it runs on the library's threads). */
static struct {
    pthread_mutex_t lock;
    char text[65536];
    size_t len;
    int events;
} seen = {PTHREAD_MUTEX_INITIALIZER, {0}, 0, 0};

static void on_log(void *user_data, int32_t level, const char *target, const char *message) {
    CHECK(user_data == &seen, "user_data is handed back");
    pthread_mutex_lock(&seen.lock);
    int n = snprintf(seen.text + seen.len, sizeof seen.text - seen.len, "%d %s %s\n", level, target, message);
    if (n > 0 && (size_t)n < sizeof seen.text - seen.len) {
        seen.len += (size_t)n;
    }
    seen.events++;
    pthread_mutex_unlock(&seen.lock);
}

static int events(void) {
    pthread_mutex_lock(&seen.lock);
    int count = seen.events;
    pthread_mutex_unlock(&seen.lock);
    return count;
}

int main(void) {
    const char *url = t_env("MIKOPBX_TEST_LEGACY_URL");
    sim_reset(url);
    CHECK_STATUS(mikopbx_set_log_callback(MIKOPBX_LOG_DEBUG, on_log, &seen), MIKOPBX_OK, "set the callback");
    sim_fault(url, "{\"kind\":\"status\",\"status\":503,\"count\":1,\"path\":\"/pbxcore/api/sip/getPeersStatuses\"}");

    mikopbx_config cfg;
    t_config(&cfg, url);
    cfg.api_version = "legacy";
    mikopbx_client *client = t_client(&cfg);
    mikopbx_peer_list *peers = NULL;
    CHECK_STATUS(mikopbx_peer_statuses(client, &peers), MIKOPBX_OK, "peers after one 503");
    mikopbx_peer_list_free(peers);

    pthread_mutex_lock(&seen.lock);
    CHECK(strstr(seen.text, "3 mikopbx::auth logging in") != NULL, "the login at info: %s", seen.text);
    CHECK(strstr(seen.text, "4 mikopbx::transport retrying") != NULL, "the retry at debug: %s", seen.text);
    CHECK(strstr(seen.text, "4 mikopbx::transport request method=GET") != NULL, "requests: %s", seen.text);
    CHECK(strstr(seen.text, SIM_PASSWORD) == NULL, "no password in the log");
    pthread_mutex_unlock(&seen.lock);

    CHECK_STATUS(mikopbx_set_log_callback(MIKOPBX_LOG_OFF, on_log, &seen), MIKOPBX_OK, "stop the callback");
    int before = events();
    CHECK_STATUS(mikopbx_peer_statuses(client, &peers), MIKOPBX_OK, "peers, quietly");
    mikopbx_peer_list_free(peers);
    CHECK(events() == before, "nothing logged after MIKOPBX_LOG_OFF (%d events, %d before)", events(), before);
    CHECK_STATUS(mikopbx_set_log_callback(MIKOPBX_LOG_INFO, NULL, NULL), MIKOPBX_OK, "a NULL callback stops it too");
    CHECK_STATUS(mikopbx_set_log_callback(9, on_log, &seen), MIKOPBX_ERR_INVALID_ARGUMENT, "an unknown level");

    mikopbx_client_free(client);
    sim_reset(url);
    sim_reset_done();
    return t_finish("test_log");
}
