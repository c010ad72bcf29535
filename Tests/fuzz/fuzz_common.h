/*
 * Shared helpers of the libFuzzer harnesses (Tests/fuzz/fuzz_*.c): reading the fuzz input, a
 * small JSON validator and SSE checker for the invariants, and the translators and exchanges the
 * harnesses reuse (built once; they stay reachable, so LeakSanitizer does not count them).
 *
 * Every harness aborts (which libFuzzer reports as a crash) when an invariant breaks:
 *   - a failing call returns a known status, writes the same code into apx_error and a non-empty,
 *     NUL-terminated message;
 *   - an APX_OK output that should be JSON is valid JSON; a stream's output is well-formed SSE
 *     whose data lines are JSON (or "[DONE]").
 */
#ifndef APX_FUZZ_COMMON_H
#define APX_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apxlate.h"

#define FUZZ_CHECK(cond, ...)                                                                   \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "invariant failed at %s:%d: %s\n  ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fprintf(stderr, "\n");                                                               \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

/* ---- Reading the fuzz input ---------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n;
} fz_reader;

static inline uint8_t fz_u8(fz_reader *r) {
    if (r->n == 0) return 0;
    r->n--;
    return *r->p++;
}

static inline uint32_t fz_u32(fz_reader *r) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = (v << 8) | fz_u8(r);
    return v;
}

/* Up to `max` bytes (fewer when the input runs out). */
static inline size_t fz_take(fz_reader *r, size_t max, const uint8_t **out) {
    size_t k = max < r->n ? max : r->n;
    *out = r->p;
    r->p += k;
    r->n -= k;
    return k;
}

/* A small PRNG for split points, seeded by the fuzz input so runs are reproducible. */
static inline uint32_t fz_rand(uint32_t *s) {
    uint32_t x = *s ? *s : 0x9E3779B9u;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    *s = x;
    return x;
}

/* ---- Formats and pairs ------------------------------------------------------------------- */

static const apx_format fz_formats[3] = {APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT,
                                         APX_FORMAT_OPENAI_RESPONSES};

/* One of the nine (from, to) pairs, from a byte. */
static inline void fz_pair(uint8_t b, apx_format *from, apx_format *to) {
    *from = fz_formats[(b % 9) / 3];
    *to = fz_formats[(b % 9) % 3];
}

/* ---- Error invariants -------------------------------------------------------------------- */

static inline void fz_check_error(apx_status st, const apx_error *e) {
    FUZZ_CHECK(st >= APX_ERR_ARGUMENT && st <= APX_ERR_INTERNAL, "unknown status %d", st);
    FUZZ_CHECK(st != APX_ERR_INTERNAL, "internal error: %s", e->message);
    FUZZ_CHECK(e->code == st, "error code %d != status %d", e->code, st);
    FUZZ_CHECK(memchr(e->message, 0, sizeof e->message) != NULL, "message not NUL-terminated");
    FUZZ_CHECK(memchr(e->path, 0, sizeof e->path) != NULL, "path not NUL-terminated");
    FUZZ_CHECK(e->message[0] != 0, "empty error message for status %d", st);
    FUZZ_CHECK(e->offset >= -1, "offset %lld", (long long)e->offset);
    const char *s = apx_status_str(st);
    FUZZ_CHECK(s != NULL && s[0] != 0, "no status string");
}

/* A fresh apx_error filled with garbage, so a missing write is noticed. */
static inline void fz_error_init(apx_error *e) {
    memset(e, 0x5A, sizeof *e);
    e->code = -12345;
}

/* ---- JSON validator (RFC 8259, UTF-8 not re-checked here beyond control bytes) ------------- */

typedef struct {
    const uint8_t *p, *end;
    int depth;
} fz_json;

static int fz_json_value(fz_json *j);

static inline void fz_json_ws(fz_json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static inline int fz_json_lit(fz_json *j, const char *lit) {
    size_t n = strlen(lit);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0) return 0;
    j->p += n;
    return 1;
}

static inline int fz_json_string(fz_json *j) {
    if (j->p >= j->end || *j->p != '"') return 0;
    j->p++;
    while (j->p < j->end) {
        uint8_t c = *j->p++;
        if (c == '"') return 1;
        if (c < 0x20) return 0;
        if (c == '\\') {
            if (j->p >= j->end) return 0;
            c = *j->p++;
            if (c == 'u') {
                for (int i = 0; i < 4; i++) {
                    if (j->p >= j->end) return 0;
                    uint8_t h = *j->p++;
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) return 0;
                }
            } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
                return 0;
            }
        }
    }
    return 0;
}

static inline int fz_json_digits(fz_json *j) {
    const uint8_t *s = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    return j->p > s;
}

static inline int fz_json_number(fz_json *j) {
    if (j->p < j->end && *j->p == '-') j->p++;
    if (j->p < j->end && *j->p == '0') j->p++;
    else if (!fz_json_digits(j)) return 0;
    if (j->p < j->end && *j->p == '.') { j->p++; if (!fz_json_digits(j)) return 0; }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        if (!fz_json_digits(j)) return 0;
    }
    return 1;
}

static int fz_json_value(fz_json *j) {
    fz_json_ws(j);
    if (j->p >= j->end) return 0;
    switch (*j->p) {
    case '{':
    case '[': {
        uint8_t close = *j->p == '{' ? '}' : ']';
        int obj = close == '}';
        if (++j->depth > 10000) return 0;
        j->p++;
        fz_json_ws(j);
        if (j->p < j->end && *j->p == close) { j->p++; j->depth--; return 1; }
        for (;;) {
            if (obj) {
                fz_json_ws(j);
                if (!fz_json_string(j)) return 0;
                fz_json_ws(j);
                if (j->p >= j->end || *j->p != ':') return 0;
                j->p++;
            }
            if (!fz_json_value(j)) return 0;
            fz_json_ws(j);
            if (j->p >= j->end) return 0;
            if (*j->p == ',') { j->p++; continue; }
            if (*j->p == close) { j->p++; j->depth--; return 1; }
            return 0;
        }
    }
    case '"': return fz_json_string(j);
    case 't': return fz_json_lit(j, "true");
    case 'f': return fz_json_lit(j, "false");
    case 'n': return fz_json_lit(j, "null");
    default: return fz_json_number(j);
    }
}

static inline int fz_is_json(const uint8_t *p, size_t n) {
    fz_json j = {p, p + n, 0};
    if (!fz_json_value(&j)) return 0;
    fz_json_ws(&j);
    return j.p == j.end;
}

/* An APX_OK output that must hold one JSON document. */
static inline void fz_check_json_output(const apx_output *o, const char *what) {
    FUZZ_CHECK(o->len > 0 && o->data != NULL, "%s: empty output", what);
    FUZZ_CHECK(fz_is_json(o->data, o->len), "%s: output is not JSON: %.*s", what,
               (int)(o->len > 2000 ? 2000 : o->len), (const char *)o->data);
    FUZZ_CHECK((o->warnings == NULL) == (o->warnings_len == 0), "%s: warnings pointer/len mismatch", what);
    if (o->warnings) FUZZ_CHECK(o->warnings[o->warnings_len] == 0, "%s: warnings not NUL-terminated", what);
}

/*
 * Client SSE produced by the library: events separated by a blank line, each line "event: x",
 * "data: <JSON or [DONE]>" or a ":" comment. `complete` says the output must end at an event
 * boundary.
 */
static inline void fz_check_sse(const uint8_t *p, size_t n, int complete) {
    size_t i = 0;
    while (i < n) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        FUZZ_CHECK(nl != NULL || !complete, "SSE output ends mid-line at byte %zu", i);
        if (!nl) return;
        size_t len = (size_t)(nl - (p + i));
        const uint8_t *line = p + i;
        if (len == 0) { /* event boundary */
        } else if (line[0] == ':') {
        } else if (len >= 7 && memcmp(line, "event: ", 7) == 0) {
        } else if (len >= 6 && memcmp(line, "data: ", 6) == 0) {
            const uint8_t *d = line + 6;
            size_t dn = len - 6;
            FUZZ_CHECK((dn == 6 && memcmp(d, "[DONE]", 6) == 0) || fz_is_json(d, dn),
                       "SSE data line is not JSON: %.*s", (int)(dn > 2000 ? 2000 : dn), (const char *)d);
        } else {
            FUZZ_CHECK(0, "unexpected SSE line: %.*s", (int)(len > 200 ? 200 : len), (const char *)line);
        }
        i += len + 1;
    }
    if (complete && n > 0) FUZZ_CHECK(n >= 2 && p[n - 1] == '\n' && p[n - 2] == '\n', "SSE output does not end with a blank line");
}

/* ---- Shared translators and exchanges ---------------------------------------------------- */

/* Configurations the translate harnesses pick from (index from a fuzz byte). */
static const char *const fz_configs[] = {
    "{}",
    "{\"models\":{\"big\":\"gpt-big\",\"small\":\"gpt-small\",\"default\":\"gpt-default\",\"map\":{\"claude-x\":\"mapped\"}}}",
    "{\"upstream\":{\"max_tokens_field\":\"max_tokens\",\"max_tokens_cap\":1,\"default_max_tokens\":9223372036854775807,"
    "\"reasoning_field\":\"reasoning\",\"reasoning_effort\":true,\"replay_reasoning\":false,\"send_user\":false,"
    "\"stream_usage\":false,\"strip_billing_header\":false,\"builtin_tools\":\"error\",\"responses_reasoning\":false,"
    "\"thinking_toggle\":true},\"client\":{\"reasoning_field\":\"none\"}}",
    "{\"upstream\":{\"reasoning_field\":\"none\",\"max_tokens_cap\":9223372036854775807},\"client\":{\"reasoning_field\":\"reasoning\"}}",
};
#define FZ_NCONFIGS (sizeof fz_configs / sizeof fz_configs[0])

static inline apx_translator *fz_translator(unsigned i) {
    static apx_translator *t[FZ_NCONFIGS];
    i %= FZ_NCONFIGS;
    if (!t[i]) {
        apx_error e;
        apx_status st = apx_translator_new((const uint8_t *)fz_configs[i], strlen(fz_configs[i]), &t[i], &e);
        if (st != APX_OK) { fprintf(stderr, "fuzz config %u rejected: %s\n", i, e.message); abort(); }
    }
    return t[i];
}

/* Client requests (index: client format * 2 + variant) whose exchanges the response, error and
   stream harnesses use; variant 1 has a tool with a long name (the tool-name map) and thinking. */
static const char *const fz_requests[6] = {
    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    "{\"model\":\"claude-opus-4-1\",\"max_tokens\":2000,\"stream\":true,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
    "\"tools\":[{\"name\":\"a_really_long_tool_name_that_goes_past_the_sixty_four_character_limit_of_openai\","
    "\"input_schema\":{\"type\":\"object\"}},{\"name\":\"get\",\"input_schema\":{\"type\":\"object\"}}],"
    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    "{\"model\":\"o3\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"reasoning_effort\":\"high\","
    "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get\",\"parameters\":{\"type\":\"object\"}}}],"
    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    "{\"model\":\"gpt-5\",\"stream\":true,\"input\":\"hi\"}",
    "{\"model\":\"gpt-5\",\"stream\":true,\"reasoning\":{\"effort\":\"high\",\"summary\":\"auto\"},"
    "\"tools\":[{\"type\":\"function\",\"name\":\"get\",\"parameters\":{\"type\":\"object\"}},"
    "{\"type\":\"custom\",\"name\":\"patch\",\"format\":{\"type\":\"grammar\",\"syntax\":\"lark\",\"definition\":\"start: /.+/\"}},"
    "{\"type\":\"namespace\",\"name\":\"ns\",\"description\":\"d\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"},"
    "{\"type\":\"custom\",\"name\":\"c\"}]}],\"input\":\"hi\"}",
};

static inline int fz_format_index(apx_format f) { return f == APX_FORMAT_ANTHROPIC ? 0 : f == APX_FORMAT_OPENAI_CHAT ? 1 : 2; }

/* The exchange of a request from `client` to `upstream` (variant 0 or 1), built once. Variant 1
   is translated with config 1 (model mapping), so a same-format stream restores the client's
   model name (the parsing passthrough); variant 0 keeps it (raw passthrough). */
static inline apx_exchange *fz_exchange(apx_format upstream, apx_format client, unsigned variant) {
    static apx_exchange *x[3][3][2];
    int u = fz_format_index(upstream), c = fz_format_index(client);
    variant &= 1;
    if (!x[u][c][variant]) {
        const char *req = fz_requests[c * 2 + variant];
        apx_output o = {0};
        apx_error e;
        apx_status st = apx_request_translate(fz_translator(variant), client, upstream, (const uint8_t *)req, strlen(req),
                                              &o, &x[u][c][variant], &e);
        if (st != APX_OK) { fprintf(stderr, "fuzz request %d/%u rejected: %s\n", c, variant, e.message); abort(); }
        apx_output_free(&o);
    }
    return x[u][c][variant];
}

#endif
