/*
 * apx_stream_feed: upstream bytes fed in fuzzer-chosen pieces (some empty), the end given with the
 * last piece or as an empty call, reset between streams. Input: [pair][flags][seed: 4][sse...].
 * flags: bits 0-1 config, bit 2 exchange (bit 3 variant), bit 4 end with an empty call, bit 5
 * feed the input twice (reset in between) and compare the outputs.
 */
#include "fuzz_stream_run.h"

static apx_status feed_all(apx_stream *s, const uint8_t *data, size_t size, uint32_t seed, int empty_end,
                           fz_buf *out, apx_error *e) {
    size_t pos = 0;
    uint32_t rng = seed | 1;
    for (;;) {
        size_t k = fz_rand(&rng) % 97;
        if (k > size - pos) k = size - pos;
        int last = pos + k == size;
        apx_output o = {0};
        fz_error_init(e);
        apx_status st = apx_stream_feed(s, data + pos, k, last && !empty_end, &o, e);
        if (st != APX_OK) { FUZZ_CHECK(o.data == NULL, "output on failure"); return st; }
        FUZZ_CHECK((o.data == NULL) == (o.len == 0), "data/len mismatch");
        fz_buf_add(out, o.data, o.len);
        apx_output_free(&o);
        pos += k;
        if (last) break;
    }
    if (empty_end) {
        apx_output o = {0};
        fz_error_init(e);
        apx_status st = apx_stream_feed(s, NULL, 0, 1, &o, e);
        if (st != APX_OK) return st;
        fz_buf_add(out, o.data, o.len);
        apx_output_free(&o);
    }
    return APX_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    apx_format from, to;
    fz_pair(fz_u8(&r), &from, &to);
    uint8_t flags = fz_u8(&r);
    uint32_t seed = fz_u32(&r);
    apx_translator *t = fz_translator(flags & 3);
    apx_exchange *x = (flags & 4) ? fz_exchange(from, to, (flags >> 3) & 1) : NULL;
    apx_stream *s = NULL;
    apx_error e;
    fz_error_init(&e);
    apx_status st = apx_stream_new(t, x, from, to, &s, &e);
    FUZZ_CHECK(st == APX_OK, "apx_stream_new: %s", e.message);

    fz_buf out = {0}, again = {0};
    st = feed_all(s, r.p, r.n, seed, flags & 16, &out, &e);
    if (st != APX_OK) {
        fz_check_error(st, &e);
        apx_output o = {0};
        apx_status st2 = apx_stream_feed(s, (const uint8_t *)"data: {}\n\n", 10, 1, &o, &e);
        FUZZ_CHECK(st2 == APX_ERR_STATE, "a failed stream went on (%d)", st2);
    } else {
        if (from != to) fz_check_sse(out.p, out.n, 1);
        apx_output o = {0};
        apx_status st2 = apx_stream_feed(s, (const uint8_t *)"x", 1, 0, &o, &e);
        FUZZ_CHECK(st2 == APX_ERR_STATE, "input after the end accepted (%d)", st2);
        st2 = apx_stream_feed(s, NULL, 0, 1, &o, &e);
        if (st2 == APX_OK) apx_output_free(&o);
    }
    if (flags & 32) {
        apx_stream_reset(s);
        apx_status st3 = feed_all(s, r.p, r.n, seed ^ 0x5bd1e995u, 0, &again, &e);
        FUZZ_CHECK((st3 == APX_OK) == (st == APX_OK), "after reset: %d, before: %d", st3, st);
        if (st == APX_OK) FUZZ_CHECK(fz_same_output(out.p, out.n, again.p, again.n), "output differs after reset");
    }
    free(out.p);
    free(again.p);
    apx_stream_free(s);
    return 0;
}
