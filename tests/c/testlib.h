/* Helpers shared by the C test programs: checks, simulator control, a small JSON reader. */
#ifndef MIKOPBX_TESTLIB_H
#define MIKOPBX_TESTLIB_H

#include <stddef.h>

#include "mikopbx.h"

/* The simulator's credentials (sim/default-state.json). */
#define SIM_LOGIN "admin"
#define SIM_PASSWORD "adminpassword"

/* ---- checks ---- */

void t_check(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define CHECK(cond, ...) t_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* A call's status equals `expected`; prints both names and the last error otherwise. */
#define CHECK_STATUS(status, expected, what) \
    t_check_status((status), (expected), __FILE__, __LINE__, (what))
void t_check_status(mikopbx_status status, mikopbx_status expected, const char *file, int line,
                    const char *what);
/* Prints "<program>: N passed, M failed" and returns the process exit code. */
int t_finish(const char *program);

/* A required environment variable (set by tests/c/run.sh); exits when missing. */
const char *t_env(const char *name);
/* A config for the simulator at `url` with its credentials. */
void t_config(mikopbx_config *cfg, const char *url);
/* A new client for `cfg`; exits when it cannot be made. */
mikopbx_client *t_client(const mikopbx_config *cfg);

/* ---- simulator control (plain HTTP to the /__sim/ endpoints) ---- */

/* Sends one request; returns the HTTP status, or -1 when the exchange failed. With
 * `out_body`, the response body is returned there (free it). */
int sim_control(const char *base_url, const char *method, const char *path, const char *body,
                char **out_body);
/* Adds a fault (its JSON, as POST /__sim/faults takes it) and checks that it was accepted. */
void sim_fault(const char *base_url, const char *fault_json);
/* Brings a simulator back to its start: default state (as read by the first call), no
 * faults, no sessions, no remembered login attempts. */
void sim_reset(const char *base_url);
/* The simulator's API key (api_keys[0] of its state; free it), or NULL. */
char *sim_api_key(const char *base_url);
/* Releases what sim_reset keeps. */
void sim_reset_done(void);

/* ---- JSON ---- */

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json {
    json_type type;
    int boolean;
    double number;
    char *string;        /* JSON_STRING */
    size_t len;          /* entries of an array or object */
    char **keys;         /* JSON_OBJECT */
    struct json **items; /* JSON_ARRAY and JSON_OBJECT values */
} json;

json *json_parse(const char *text); /* NULL when `text` is not JSON */
void json_free(json *value);
json *json_new(json_type type);
json *json_str(const char *text); /* NULL text: JSON null */
json *json_num(double number);
json *json_bool(int boolean);
void json_push(json *array, json *item);
void json_put(json *object, const char *key, json *value);
const json *json_get(const json *object, const char *key);
/* Whether `actual` contains `expected` (tests/scenarios/README.md): objects match when
 * every expected key matches, arrays element-wise with equal length, numbers as numbers.
 * On a mismatch `why` says where. */
int json_contains(const json *expected, const json *actual, char *why, size_t why_len);

#endif
