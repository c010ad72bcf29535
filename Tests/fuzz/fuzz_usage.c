/*
 * apx_request_model, apx_response_usage and apx_stream_usage. Input: [pair][flags][seed(4)][body...].
 * flags%3 picks the call: 0 request model (format = pair's from), 1 response usage (from),
 * 2 stream (from -> to) fed whole and, separately, in pieces at seeded split points: the
 * usage read after each must be the same when both runs succeed. flags&4: config 1 instead of 0.
 * Invariants: counts are -1 or in 0..2^48; with input_tokens -1 every count is -1; model is
 * NUL-terminated; the model output is UTF-8-sized bytes without a trailing NUL requirement.
 */
#include "fuzz_common.h"

#define MAX_TOKENS (1LL << 48)

static void check_usage(const apx_usage *u) {
    const int64_t c[5] = {u->input_tokens, u->output_tokens, u->cache_read_tokens, u->cache_write_tokens, u->reasoning_tokens};
    for (int i = 0; i < 5; i++) FUZZ_CHECK(c[i] >= -1 && c[i] <= MAX_TOKENS, "count %d = %lld", i, (long long)c[i]);
    if (u->input_tokens < 0) {
        for (int i = 0; i < 5; i++) FUZZ_CHECK(c[i] == -1, "count %d = %lld without usage", i, (long long)c[i]);
    } else {
        FUZZ_CHECK(u->output_tokens >= 0 && u->cache_read_tokens >= 0 && u->cache_write_tokens >= 0, "usage with an unknown count");
    }
    FUZZ_CHECK(memchr(u->model, 0, sizeof u->model) != NULL, "model not NUL-terminated");
}

static int stream_run(apx_translator *t, apx_format from, apx_format to, const uint8_t *p, size_t n,
                      uint32_t seed, int split, apx_usage *u) {
    apx_stream *s = NULL;
    apx_error e;
    fz_error_init(&e);
    if (apx_stream_new(t, NULL, from, to, &s, &e) != APX_OK) return 0;
    apx_usage before;
    FUZZ_CHECK(apx_stream_usage(s, &before, &e) == APX_OK, "usage of a new stream");
    FUZZ_CHECK(before.input_tokens == -1 && before.model[0] == 0, "a new stream has usage");
    int ok = 1;
    size_t pos = 0;
    while (pos < n && ok) {
        size_t k = split ? 1 + fz_rand(&seed) % 64 : n;
        if (k > n - pos) k = n - pos;
        apx_output out = {0};
        apx_status st = apx_stream_feed(s, p + pos, k, 0, &out, &e);
        if (st != APX_OK) { fz_check_error(st, &e); ok = 0; }
        apx_output_free(&out);
        pos += k;
        FUZZ_CHECK(apx_stream_usage(s, u, &e) == APX_OK, "usage mid-stream");
        check_usage(u);
    }
    if (ok) {
        apx_output out = {0};
        if (apx_stream_feed(s, NULL, 0, 1, &out, &e) != APX_OK) ok = 0;
        apx_output_free(&out);
    }
    FUZZ_CHECK(apx_stream_usage(s, u, &e) == APX_OK, "usage at the end");
    check_usage(u);
    apx_stream_reset(s);
    apx_usage after;
    FUZZ_CHECK(apx_stream_usage(s, &after, &e) == APX_OK && after.input_tokens == -1 && after.model[0] == 0, "reset keeps usage");
    apx_stream_free(s);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    apx_format from, to;
    fz_pair(fz_u8(&r), &from, &to);
    uint8_t flags = fz_u8(&r);
    uint32_t seed = fz_u32(&r);
    apx_translator *t = fz_translator((flags & 4) ? 1 : 0);
    apx_error e;
    fz_error_init(&e);
    switch (flags % 3) {
    case 0: {
        apx_output out = {0};
        apx_status st = apx_request_model(t, from, r.p, r.n, &out, &e);
        if (st != APX_OK) {
            fz_check_error(st, &e);
            FUZZ_CHECK(out.data == NULL && out.len == 0, "output written on failure");
            if (st == APX_ERR_JSON || st == APX_ERR_LIMIT) {
                /* apx_request_model validates the whole body as a translation does (it only
                   builds less of the tape): the translation stops at the same error. */
                apx_output o2 = {0};
                apx_exchange *ex = NULL;
                apx_error e2;
                fz_error_init(&e2);
                apx_status st2 = apx_request_translate(t, from, to, r.p, r.n, &o2, &ex, &e2);
                FUZZ_CHECK(st2 == st && e2.offset == e.offset && strcmp(e2.message, e.message) == 0,
                           "request_model error %d at %lld (%s), translation %d at %lld (%s)", (int)st, (long long)e.offset,
                           e.message, (int)st2, (long long)e2.offset, e2.message);
                apx_output_free(&o2);
                apx_exchange_free(ex);
            }
        } else {
            FUZZ_CHECK((out.len == 0) == (out.data == NULL), "data/len mismatch");
            FUZZ_CHECK(out.len <= r.n, "model longer than the body");
        }
        apx_output_free(&out);
        break;
    }
    case 1: {
        apx_usage u;
        memset(&u, 0x5A, sizeof u);
        apx_status st = apx_response_usage(t, from, r.p, r.n, &u, &e);
        if (st != APX_OK) {
            fz_check_error(st, &e);
            FUZZ_CHECK(u.input_tokens == 0x5A5A5A5A5A5A5A5ALL, "usage written on failure");
        } else {
            check_usage(&u);
        }
        break;
    }
    default: {
        apx_usage whole, pieces;
        int a = stream_run(t, from, to, r.p, r.n, seed, 0, &whole);
        int b = stream_run(t, from, to, r.p, r.n, seed, 1, &pieces);
        if (a && b) {
            FUZZ_CHECK(memcmp(&whole, &pieces, offsetof(apx_usage, model)) == 0, "usage depends on the split");
            FUZZ_CHECK(strcmp(whole.model, pieces.model) == 0, "model depends on the split");
        }
        break;
    }
    }
    return 0;
}
