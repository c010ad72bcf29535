/*
 * apxlate benchmark from C, through include/apxlate.h and libapxlate.so.
 * usage: bench DATADIR [runs]   (DATADIR from gen_inputs.py)
 *
 * One-shot rows: MB/s of input and µs per call (request translation includes creating and freeing
 * the exchange, as a proxy does). Stream rows: ns per event for one event fed repeatedly into a
 * stream through apx_stream_translate (the zstd-style call, one event per call, output drained
 * into a reused buffer), and MB/s of a long stream fed in 16 KB pieces from apx_stream_new to
 * the end. Agentic rows: a request of N tool round trips (gen_agentic.py: an assistant text + a
 * tool_use / tool_calls / function_call, then its result) translated in one call, as µs per round
 * trip (the whole call divided by N; 50, 400 and 1,600 show whether the cost is linear) and MB/s.
 * Each number is the median of `runs` runs (default 7; the best run in parentheses, a
 * hint of what an unloaded machine gives); each run repeats the operation for about 0.1 s. A row whose translation fails prints "n/a (<error>)".
 */
#define _POSIX_C_SOURCE 200809L
#include "apxlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int RUNS = 7;
static const double RUN_SECONDS = 0.1;
static char DIR[1024];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct { uint8_t *data; size_t len; } blob;

static blob load(const char *name) {
    blob b = {NULL, 0};
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "bench: cannot open %s\n", path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc(n > 0 ? (size_t)n : 1);
    if (!b.data || fread(b.data, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "bench: cannot read %s\n", path); exit(2); }
    b.len = (size_t)n;
    fclose(f);
    return b;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* An operation repeated `iters` times; returns the status of the first failure, else APX_OK. */
typedef apx_status (*op_fn)(void *ctx, long iters, apx_error *e);

static double BEST; /* the fastest run of the last measure() */

/* Median seconds per iteration over RUNS runs, or a negative value (and `e` filled) on failure. */
static double measure(op_fn op, void *ctx, apx_error *e) {
    if (op(ctx, 1, e) != APX_OK) return -1;
    long iters = 1;
    double t;
    for (;;) { /* calibrate: iterations for one run of ~RUN_SECONDS */
        double t0 = now();
        if (op(ctx, iters, e) != APX_OK) return -1;
        t = now() - t0;
        if (t >= RUN_SECONDS / 4 || iters > (1L << 40)) break;
        iters *= 4;
    }
    if (t > 0) { double want = (double)iters * RUN_SECONDS / t; iters = want < 1 ? 1 : (long)want; }
    double *per = malloc(sizeof(double) * (size_t)RUNS);
    if (!per) return -1;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        if (op(ctx, iters, e) != APX_OK) { free(per); return -1; }
        per[r] = (now() - t0) / (double)iters;
    }
    qsort(per, (size_t)RUNS, sizeof(double), cmp_double);
    double m = per[RUNS / 2];
    BEST = per[0];
    free(per);
    return m;
}

static apx_translator *T;

/* ---- one-shot ---- */

typedef struct { int kind; apx_format from, to; blob body; } oneshot;
enum { REQUEST, RESPONSE, TOKENS, MODEL };

static apx_status run_oneshot(void *p, long iters, apx_error *e) {
    oneshot *c = p;
    for (long i = 0; i < iters; i++) {
        apx_output out = {0};
        apx_exchange *ex = NULL;
        int64_t tokens = 0;
        apx_status st;
        switch (c->kind) {
        case REQUEST: st = apx_request_translate(T, c->from, c->to, c->body.data, c->body.len, &out, &ex, e); break;
        case RESPONSE: st = apx_response_translate(T, NULL, c->from, c->to, c->body.data, c->body.len, &out, e); break;
        case MODEL: st = apx_request_model(T, c->from, c->body.data, c->body.len, &out, e); break;
        default: st = apx_count_tokens(T, c->from, c->body.data, c->body.len, &tokens, e); break;
        }
        if (st != APX_OK) return st;
        apx_output_free(&out);
        apx_exchange_free(ex);
    }
    return APX_OK;
}

/* Width of the label column (the longest labels, agentic rows of 1,600 round trips, have 59). */
#define LABEL "%-60s"

static void na(const char *label, const apx_error *e) {
    char msg[120];
    snprintf(msg, sizeof msg, "%.110s", e->message);
    printf(LABEL " n/a (%s)\n", label, msg);
}

static void row_oneshot(int kind, const char *what, apx_format from, apx_format to, const char *file) {
    oneshot c = {kind, from, to, load(file)};
    char label[160];
    if (kind == TOKENS || kind == MODEL) snprintf(label, sizeof label, "%s %s (%.1f KB)", what, apx_format_name(from), c.body.len / 1000.0);
    else snprintf(label, sizeof label, "%s %s -> %s (%.1f KB)", what, apx_format_name(from), apx_format_name(to), c.body.len / 1000.0);
    apx_error e;
    double s = measure(run_oneshot, &c, &e);
    if (s < 0) na(label, &e);
    else printf(LABEL " %9.1f MB/s %10.1f us/call   (best %.1f MB/s)\n", label, c.body.len / s / 1e6, s * 1e6, c.body.len / BEST / 1e6);
    free(c.body.data);
}

/* A request of `trips` tool round trips (agentic_N.json and its Chat and Responses forms). */
static void row_agentic(apx_format from, apx_format to, int trips) {
    const char *prefix = from == APX_FORMAT_OPENAI_CHAT ? "chat_" : from == APX_FORMAT_OPENAI_RESPONSES ? "responses_" : "";
    char file[64];
    snprintf(file, sizeof file, "%sagentic_%d.json", prefix, trips);
    oneshot c = {REQUEST, from, to, load(file)};
    char label[160];
    snprintf(label, sizeof label, "agentic %s -> %s %d trips (%.1f KB)", apx_format_name(from), apx_format_name(to), trips,
             c.body.len / 1000.0);
    apx_error e;
    double s = measure(run_oneshot, &c, &e);
    if (s < 0) na(label, &e);
    else printf(LABEL " %9.1f MB/s %10.3f us/round trip (best %.3f us)\n", label, c.body.len / s / 1e6, s * 1e6 / trips,
                BEST * 1e6 / trips);
    free(c.body.data);
}

/* ---- streams ---- */

typedef struct { apx_format from, to; blob prologue, event; } per_event;

static uint8_t OUTBUF[1 << 16];

/* Feeds `len` bytes in one call and drains all output; `op` CONTINUE or END. */
static apx_status pump(apx_stream *s, const uint8_t *data, size_t len, apx_stream_op op, apx_error *e) {
    apx_in in = {data, len, 0};
    size_t pending = 0;
    do {
        apx_out out = {OUTBUF, sizeof OUTBUF, 0};
        apx_status st = apx_stream_translate(s, &out, &in, op, &pending, e);
        if (st != APX_OK) return st;
    } while (pending > 0);
    return APX_OK;
}

static apx_status run_per_event(void *p, long iters, apx_error *e) {
    per_event *c = p;
    apx_stream *s = NULL;
    apx_status st = apx_stream_new(T, NULL, c->from, c->to, &s, e);
    if (st != APX_OK) return st;
    st = pump(s, c->prologue.data, c->prologue.len, APX_STREAM_CONTINUE, e);
    /* the prologue is a few events fed once; its cost is amortized by iters (>= 10^4 in practice) */
    for (long i = 0; i < iters && st == APX_OK; i++)
        st = pump(s, c->event.data, c->event.len, APX_STREAM_CONTINUE, e);
    apx_stream_free(s);
    return st;
}

static void row_event(const char *what, apx_format from, apx_format to, const char *prologue, const char *event) {
    per_event c = {from, to, load(prologue), load(event)};
    char label[160];
    snprintf(label, sizeof label, "stream %s -> %s: %s", apx_format_name(from), apx_format_name(to), what);
    apx_error e;
    double s = measure(run_per_event, &c, &e);
    if (s < 0) na(label, &e);
    else printf(LABEL " %9.0f ns/event (%zu-byte event; best %.0f ns)\n", label, s * 1e9, c.event.len, BEST * 1e9);
    free(c.prologue.data);
    free(c.event.data);
}

typedef struct { apx_format from, to; blob body; } long_stream;

static apx_status run_long(void *p, long iters, apx_error *e) {
    long_stream *c = p;
    for (long i = 0; i < iters; i++) {
        apx_stream *s = NULL;
        apx_status st = apx_stream_new(T, NULL, c->from, c->to, &s, e);
        for (size_t off = 0; st == APX_OK && off < c->body.len; off += 16384) {
            size_t n = c->body.len - off < 16384 ? c->body.len - off : 16384;
            st = pump(s, c->body.data + off, n, APX_STREAM_CONTINUE, e);
        }
        if (st == APX_OK) st = pump(s, NULL, 0, APX_STREAM_END, e);
        apx_stream_free(s);
        if (st != APX_OK) return st;
    }
    return APX_OK;
}

static void row_long(apx_format from, apx_format to, const char *file) {
    long_stream c = {from, to, load(file)};
    char label[160];
    snprintf(label, sizeof label, "stream %s -> %s: long (%.0f KB)", apx_format_name(from), apx_format_name(to), c.body.len / 1000.0);
    apx_error e;
    double s = measure(run_long, &c, &e);
    if (s < 0) na(label, &e);
    else printf(LABEL " %9.1f MB/s %10.1f ms/stream (best %.1f MB/s)\n", label, c.body.len / s / 1e6, s * 1e3, c.body.len / BEST / 1e6);
    free(c.body.data);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: bench DATADIR [runs]\n"); return 2; }
    snprintf(DIR, sizeof DIR, "%s", argv[1]);
    if (argc > 2) RUNS = atoi(argv[2]) > 0 ? atoi(argv[2]) : 7;
    apx_error e;
    if (apx_translator_new((const uint8_t *)"{\"models\":{\"default\":\"gpt-5.1\"}}", 32, &T, &e) != APX_OK) {
        fprintf(stderr, "bench: %s\n", e.message);
        return 1;
    }
    const apx_format A = APX_FORMAT_ANTHROPIC, C = APX_FORMAT_OPENAI_CHAT, R = APX_FORMAT_OPENAI_RESPONSES;
    printf("C, libapxlate %s, median of %d runs\n", apx_version_string(), RUNS);
    printf("-- one-shot --\n");
    row_oneshot(REQUEST, "request", A, C, "anthropic_50k.json");
    row_oneshot(REQUEST, "request", A, C, "anthropic_1m.json");
    row_oneshot(REQUEST, "request", C, A, "chat_50k.json");
    row_oneshot(REQUEST, "request", C, A, "chat_1m.json");
    row_oneshot(REQUEST, "request", A, R, "anthropic_50k.json");
    row_oneshot(REQUEST, "request", R, A, "responses_50k.json");
    row_oneshot(REQUEST, "request", A, A, "anthropic_50k.json");
    row_oneshot(REQUEST, "request", A, A, "anthropic_1m.json");
    row_oneshot(RESPONSE, "response", C, A, "chat_response.json");
    row_oneshot(RESPONSE, "response", A, C, "anthropic_response.json");
    row_oneshot(RESPONSE, "response", R, A, "responses_response.json");
    row_oneshot(RESPONSE, "response", A, R, "anthropic_response.json");
    row_oneshot(TOKENS, "count_tokens", A, A, "anthropic_50k.json");
    row_oneshot(MODEL, "request_model", A, A, "anthropic_50k.json");
    row_oneshot(MODEL, "request_model", A, A, "anthropic_200k.json");
    row_oneshot(MODEL, "request_model", A, A, "anthropic_1m.json");
    printf("-- agentic requests: tool round trips --\n");
    const apx_format agentic[][2] = {{A, C}, {A, R}, {C, A}, {R, A}, {A, A}};
    const int trips[] = {50, 400, 1600};
    for (size_t d = 0; d < sizeof agentic / sizeof agentic[0]; d++)
        for (size_t k = 0; k < sizeof trips / sizeof trips[0]; k++) row_agentic(agentic[d][0], agentic[d][1], trips[k]);
    printf("-- streams --\n");
    row_event("text delta", C, A, "chat_text_prologue.sse", "chat_text_event.sse");
    row_event("tool-argument delta", C, A, "chat_tool_prologue.sse", "chat_tool_event.sse");
    row_event("text delta", A, C, "anth_text_prologue.sse", "anth_text_event.sse");
    row_event("tool-argument delta", A, C, "anth_tool_prologue.sse", "anth_tool_event.sse");
    row_event("text delta", R, A, "resp_text_prologue.sse", "resp_text_event.sse");
    row_event("text delta", A, R, "anth_text_prologue.sse", "anth_text_event.sse");
    row_long(C, A, "chat_long.sse");
    row_long(A, C, "anth_long.sse");
    row_long(C, C, "chat_long.sse"); /* passthrough: forwarded raw, metered for apx_stream_usage */
    row_long(A, A, "anth_long.sse");
    apx_translator_free(T);
    return 0;
}
