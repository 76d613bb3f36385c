#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- checks ---- */

static int passed;
static int failed;

void t_check(int ok, const char *file, int line, const char *fmt, ...) {
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
}

void t_check_status(mikopbx_status status, mikopbx_status expected, const char *file, int line,
                    const char *what) {
    t_check(status == expected, file, line, "%s: got %s, want %s (last error: %s)", what,
            mikopbx_status_name(status), mikopbx_status_name(expected), mikopbx_last_error());
}

int t_finish(const char *program) {
    /* Every client is released by now: stop the library's threads, so that valgrind's plain
     * --leak-check=full --error-exitcode=1 finds nothing (tests/c/run.sh). */
    mikopbx_shutdown();
    printf("%s: %d passed, %d failed\n", program, passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

const char *t_env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        fprintf(stderr, "environment variable %s is not set: run the C tests with `make test-c`\n", name);
        exit(2);
    }
    return value;
}

void t_config(mikopbx_config *cfg, const char *url) {
    mikopbx_config_init(cfg);
    cfg->url = url;
    cfg->login = SIM_LOGIN;
    cfg->password = SIM_PASSWORD;
}

mikopbx_client *t_client(const mikopbx_config *cfg) {
    mikopbx_client *client = NULL;
    mikopbx_status status = mikopbx_client_new(cfg, &client);
    if (status != MIKOPBX_OK) {
        fprintf(stderr, "cannot create a client: %s: %s\n", mikopbx_status_name(status), mikopbx_last_error());
        exit(2);
    }
    return client;
}

/* ---- simulator control ---- */

/* Port of "http://127.0.0.1:PORT[/...]"; the simulator always listens on loopback. */
static int sim_port(const char *base_url) {
    const char *prefix = "http://127.0.0.1:";
    if (strncmp(base_url, prefix, strlen(prefix)) != 0) {
        return -1;
    }
    int port = atoi(base_url + strlen(prefix));
    return port > 0 && port < 65536 ? port : -1;
}

int sim_control(const char *base_url, const char *method, const char *path, const char *body,
                char **out_body) {
    if (out_body != NULL) {
        *out_body = NULL;
    }
    int port = sim_port(base_url);
    if (port < 0) {
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char head[512];
    size_t body_len = body == NULL ? 0 : strlen(body);
    int head_len = snprintf(head, sizeof head,
                            "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                            method, path, body_len);
    int status = -1;
    char *response = NULL;
    size_t size = 0;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0 || head_len < 0 ||
        (size_t)head_len >= sizeof head || write(fd, head, (size_t)head_len) != head_len ||
        (body_len > 0 && write(fd, body, body_len) != (ssize_t)body_len)) {
        goto done;
    }
    size_t capacity = 4096;
    response = malloc(capacity);
    for (;;) {
        if (size + 1024 > capacity) {
            capacity *= 2;
            response = realloc(response, capacity);
        }
        ssize_t got = read(fd, response + size, capacity - size - 1);
        if (got < 0) {
            goto done;
        }
        if (got == 0) {
            break;
        }
        size += (size_t)got;
    }
    response[size] = '\0';
    if (sscanf(response, "HTTP/1.1 %d", &status) != 1) {
        status = -1;
        goto done;
    }
    const char *start = strstr(response, "\r\n\r\n");
    if (out_body != NULL && start != NULL) {
        *out_body = strdup(start + 4);
    }
done:
    free(response);
    close(fd);
    return status;
}

/* The start state of each simulator, read by the first sim_reset of its URL. */
#define MAX_SIMS 8
static struct {
    char *url;
    char *state;
} start_states[MAX_SIMS];

static const char *start_state(const char *base_url) {
    size_t i = 0;
    for (; i < MAX_SIMS && start_states[i].url != NULL; i++) {
        if (strcmp(start_states[i].url, base_url) == 0) {
            return start_states[i].state;
        }
    }
    char *state = NULL;
    int status = sim_control(base_url, "GET", "/__sim/state", NULL, &state);
    if (i == MAX_SIMS || status != 200 || state == NULL) {
        fprintf(stderr, "cannot read the simulator state at %s (HTTP %d)\n", base_url, status);
        exit(2);
    }
    start_states[i].url = strdup(base_url);
    start_states[i].state = state;
    return state;
}

void sim_reset(const char *base_url) {
    const char *state = start_state(base_url);
    int ok = sim_control(base_url, "DELETE", "/__sim/faults", NULL, NULL) == 200 &&
             sim_control(base_url, "PUT", "/__sim/state", state, NULL) == 200 &&
             sim_control(base_url, "POST", "/__sim/sessions/expire", NULL, NULL) == 200 &&
             sim_control(base_url, "POST", "/__sim/throttle/reset", NULL, NULL) == 200;
    if (!ok) {
        fprintf(stderr, "cannot reset the simulator at %s\n", base_url);
        exit(2);
    }
}

char *sim_api_key(const char *base_url) {
    json *state = json_parse(start_state(base_url));
    const json *keys = json_get(state, "api_keys");
    char *key = NULL;
    if (keys != NULL && keys->type == JSON_ARRAY && keys->len > 0 && keys->items[0]->type == JSON_STRING) {
        key = strdup(keys->items[0]->string);
    }
    json_free(state);
    return key;
}

void sim_fault(const char *base_url, const char *fault_json) {
    int status = sim_control(base_url, "POST", "/__sim/faults", fault_json, NULL);
    CHECK(status == 200, "fault %s accepted (HTTP %d)", fault_json, status);
}

void sim_reset_done(void) {
    for (size_t i = 0; i < MAX_SIMS; i++) {
        free(start_states[i].url);
        free(start_states[i].state);
        start_states[i].url = NULL;
        start_states[i].state = NULL;
    }
}

/* ---- JSON ---- */

json *json_new(json_type type) {
    json *value = calloc(1, sizeof *value);
    value->type = type;
    return value;
}

json *json_str(const char *text) {
    if (text == NULL) {
        return json_new(JSON_NULL);
    }
    json *value = json_new(JSON_STRING);
    value->string = strdup(text);
    return value;
}

json *json_num(double number) {
    json *value = json_new(JSON_NUMBER);
    value->number = number;
    return value;
}

json *json_bool(int boolean) {
    json *value = json_new(JSON_BOOL);
    value->boolean = boolean != 0;
    return value;
}

void json_push(json *array, json *item) {
    array->items = realloc(array->items, (array->len + 1) * sizeof *array->items);
    array->items[array->len++] = item;
}

void json_put(json *object, const char *key, json *value) {
    object->keys = realloc(object->keys, (object->len + 1) * sizeof *object->keys);
    object->keys[object->len] = strdup(key);
    json_push(object, value);
}

const json *json_get(const json *object, const char *key) {
    if (object == NULL || object->type != JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < object->len; i++) {
        if (strcmp(object->keys[i], key) == 0) {
            return object->items[i];
        }
    }
    return NULL;
}

void json_free(json *value) {
    if (value == NULL) {
        return;
    }
    for (size_t i = 0; i < value->len; i++) {
        json_free(value->items[i]);
        if (value->keys != NULL) {
            free(value->keys[i]);
        }
    }
    free(value->items);
    free(value->keys);
    free(value->string);
    free(value);
}

typedef struct {
    const char *at;
} reader;

static void skip_space(reader *r) {
    while (*r->at == ' ' || *r->at == '\t' || *r->at == '\n' || *r->at == '\r') {
        r->at++;
    }
}

static void put_utf8(char **out, size_t *len, unsigned long code) {
    char *o = *out + *len;
    if (code < 0x80) {
        o[0] = (char)code;
        *len += 1;
    } else if (code < 0x800) {
        o[0] = (char)(0xC0 | (code >> 6));
        o[1] = (char)(0x80 | (code & 0x3F));
        *len += 2;
    } else if (code < 0x10000) {
        o[0] = (char)(0xE0 | (code >> 12));
        o[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        o[2] = (char)(0x80 | (code & 0x3F));
        *len += 3;
    } else {
        o[0] = (char)(0xF0 | (code >> 18));
        o[1] = (char)(0x80 | ((code >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((code >> 6) & 0x3F));
        o[3] = (char)(0x80 | (code & 0x3F));
        *len += 4;
    }
}

static int read_hex4(const char *at, unsigned long *code) {
    char digits[5] = {0};
    for (int i = 0; i < 4; i++) {
        if (!((at[i] >= '0' && at[i] <= '9') || (at[i] >= 'a' && at[i] <= 'f') || (at[i] >= 'A' && at[i] <= 'F'))) {
            return 0;
        }
        digits[i] = at[i];
    }
    *code = strtoul(digits, NULL, 16);
    return 1;
}

/* Reads a string after its opening quote; NULL on a syntax error. */
static char *read_string(reader *r) {
    /* The decoded text is never longer than the escaped one. */
    const char *end = r->at;
    while (*end != '\0' && *end != '"') {
        end += (*end == '\\' && end[1] != '\0') ? 2 : 1;
    }
    if (*end != '"') {
        return NULL;
    }
    char *out = malloc((size_t)(end - r->at) + 4);
    size_t len = 0;
    while (r->at < end) {
        char c = *r->at++;
        if ((unsigned char)c < 0x20) {
            free(out);
            return NULL;
        }
        if (c != '\\') {
            out[len++] = c;
            continue;
        }
        char e = *r->at++;
        unsigned long code;
        switch (e) {
        case '"': case '\\': case '/': out[len++] = e; break;
        case 'b': out[len++] = '\b'; break;
        case 'f': out[len++] = '\f'; break;
        case 'n': out[len++] = '\n'; break;
        case 'r': out[len++] = '\r'; break;
        case 't': out[len++] = '\t'; break;
        case 'u':
            if (!read_hex4(r->at, &code)) {
                free(out);
                return NULL;
            }
            r->at += 4;
            if (code >= 0xD800 && code < 0xDC00 && r->at[0] == '\\' && r->at[1] == 'u') {
                unsigned long low;
                if (read_hex4(r->at + 2, &low) && low >= 0xDC00 && low < 0xE000) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    r->at += 6;
                }
            }
            put_utf8(&out, &len, code);
            break;
        default:
            free(out);
            return NULL;
        }
    }
    r->at = end + 1;
    out[len] = '\0';
    return out;
}

static json *read_value(reader *r, int depth);

static json *read_container(reader *r, int depth, int is_object) {
    json *value = json_new(is_object ? JSON_OBJECT : JSON_ARRAY);
    char close = is_object ? '}' : ']';
    skip_space(r);
    if (*r->at == close) {
        r->at++;
        return value;
    }
    for (;;) {
        char *key = NULL;
        if (is_object) {
            skip_space(r);
            if (*r->at != '"') {
                goto fail;
            }
            r->at++;
            key = read_string(r);
            skip_space(r);
            if (key == NULL || *r->at != ':') {
                free(key);
                goto fail;
            }
            r->at++;
        }
        json *item = read_value(r, depth + 1);
        if (item == NULL) {
            free(key);
            goto fail;
        }
        if (is_object) {
            json_put(value, key, item);
            free(key);
        } else {
            json_push(value, item);
        }
        skip_space(r);
        if (*r->at == ',') {
            r->at++;
        } else if (*r->at == close) {
            r->at++;
            return value;
        } else {
            goto fail;
        }
    }
fail:
    json_free(value);
    return NULL;
}

static json *read_value(reader *r, int depth) {
    if (depth > 64) {
        return NULL;
    }
    skip_space(r);
    char c = *r->at;
    if (c == '{' || c == '[') {
        r->at++;
        return read_container(r, depth, c == '{');
    }
    if (c == '"') {
        r->at++;
        char *text = read_string(r);
        if (text == NULL) {
            return NULL;
        }
        json *value = json_new(JSON_STRING);
        value->string = text;
        return value;
    }
    if (strncmp(r->at, "true", 4) == 0 || strncmp(r->at, "false", 5) == 0) {
        int yes = c == 't';
        r->at += yes ? 4 : 5;
        return json_bool(yes);
    }
    if (strncmp(r->at, "null", 4) == 0) {
        r->at += 4;
        return json_new(JSON_NULL);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char *end;
        double number = strtod(r->at, &end);
        r->at = end;
        return json_num(number);
    }
    return NULL;
}

json *json_parse(const char *text) {
    if (text == NULL) {
        return NULL;
    }
    reader r = {text};
    json *value = read_value(&r, 0);
    skip_space(&r);
    if (value != NULL && *r.at != '\0') {
        json_free(value);
        return NULL;
    }
    return value;
}

static const char *type_name(json_type type) {
    static const char *const names[] = {"null", "bool", "number", "string", "array", "object"};
    return names[type];
}

static int contains_at(const json *expected, const json *actual, const char *where, char *why, size_t why_len) {
    if (actual == NULL || expected->type != actual->type) {
        snprintf(why, why_len, "%s: want %s, got %s", where, type_name(expected->type),
                 actual == NULL ? "nothing" : type_name(actual->type));
        return 0;
    }
    char inner[256];
    switch (expected->type) {
    case JSON_NULL:
        return 1;
    case JSON_BOOL:
        if (expected->boolean != actual->boolean) {
            snprintf(why, why_len, "%s: want %d, got %d", where, expected->boolean, actual->boolean);
            return 0;
        }
        return 1;
    case JSON_NUMBER:
        if (expected->number != actual->number) {
            snprintf(why, why_len, "%s: want %g, got %g", where, expected->number, actual->number);
            return 0;
        }
        return 1;
    case JSON_STRING:
        if (strcmp(expected->string, actual->string) != 0) {
            snprintf(why, why_len, "%s: want \"%s\", got \"%s\"", where, expected->string, actual->string);
            return 0;
        }
        return 1;
    case JSON_ARRAY:
        if (expected->len != actual->len) {
            snprintf(why, why_len, "%s: want %zu entries, got %zu", where, expected->len, actual->len);
            return 0;
        }
        for (size_t i = 0; i < expected->len; i++) {
            snprintf(inner, sizeof inner, "%s[%zu]", where, i);
            if (!contains_at(expected->items[i], actual->items[i], inner, why, why_len)) {
                return 0;
            }
        }
        return 1;
    case JSON_OBJECT:
        for (size_t i = 0; i < expected->len; i++) {
            snprintf(inner, sizeof inner, "%s.%s", where, expected->keys[i]);
            if (!contains_at(expected->items[i], json_get(actual, expected->keys[i]), inner, why, why_len)) {
                return 0;
            }
        }
        return 1;
    }
    return 0;
}

int json_contains(const json *expected, const json *actual, char *why, size_t why_len) {
    return contains_at(expected, actual, "$", why, why_len);
}
