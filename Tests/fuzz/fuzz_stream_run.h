/*
 * Runs upstream SSE bytes through apx_stream_translate in fuzzer-chosen pieces with tiny output
 * windows, and checks the stream contract: all input consumed, pending drains, END completes,
 * the client output is well-formed SSE, and (without resets) the output equals what
 * apx_stream_feed gives for the whole input at once.
 */
#ifndef APX_FUZZ_STREAM_RUN_H
#define APX_FUZZ_STREAM_RUN_H

#include "fuzz_common.h"

typedef struct {
    uint8_t *p;
    size_t n, cap;
} fz_buf;

static inline void fz_buf_add(fz_buf *b, const uint8_t *p, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n) cap *= 2;
        uint8_t *q = realloc(b->p, cap);
        if (!q) abort();
        b->p = q;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* The length of the leading part of `p` made of complete SSE events (up to and including the
   last empty line; lines end with CRLF, LF or CR). */
static inline size_t fz_sse_complete_prefix(const uint8_t *p, size_t n) {
    size_t end = 0, line_start = 0, i = 0;
    while (i < n) {
        if (p[i] == '\n' || p[i] == '\r') {
            int empty = i == line_start;
            if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') i++;
            else if (p[i] == '\r' && i + 1 == n) break; /* a CR at the very end may start a CRLF */
            i++;
            if (empty) end = i;
            line_start = i;
        } else {
            i++;
        }
    }
    return end;
}

/* Equal except for digit runs of equal length (a `created` timestamp may tick between runs). */
static inline int fz_same_output(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    if (an != bn) return 0;
    for (size_t i = 0; i < an; i++)
        if (a[i] != b[i] && !(a[i] >= '0' && a[i] <= '9' && b[i] >= '0' && b[i] <= '9')) return 0;
    return 1;
}

typedef struct {
    apx_translator *t;
    apx_exchange *x;   /* may be NULL */
    apx_format from, to; /* the pair (always set) */
    int formats_none;  /* pass APX_FORMAT_NONE and let the exchange say */
    uint32_t seed;     /* split points, operations and windows */
    unsigned max_window; /* 1.. */
    unsigned max_piece;  /* 1.. */
    int reset_at;      /* piece index at which to reset the stream and start over; -1 never */
    int fail_at;       /* piece index after which the host gives up (apx_stream_fail); -1 never */
} fz_stream_plan;

/* Drains pending output through windows of 1..max_window bytes. */
static inline apx_status fz_drain(apx_stream *s, const fz_stream_plan *pl, uint32_t *rng, apx_stream_op op,
                                  fz_buf *out, apx_error *e) {
    uint8_t win[4096];
    for (unsigned guard = 0;; guard++) {
        size_t w = 1 + fz_rand(rng) % pl->max_window;
        if (w > sizeof win) w = sizeof win;
        apx_out o = {win, w, 0};
        apx_in in = {NULL, 0, 0};
        size_t pending = (size_t)-1;
        fz_error_init(e);
        apx_status st = apx_stream_translate(s, &o, &in, op, &pending, e);
        if (st != APX_OK) return st;
        FUZZ_CHECK(o.pos <= w, "output pos past the window");
        FUZZ_CHECK(pending != (size_t)-1, "pending not written");
        fz_buf_add(out, win, o.pos);
        if (pending == 0) return APX_OK;
        FUZZ_CHECK(o.pos == w, "a window not filled while %zu bytes are pending", pending);
        FUZZ_CHECK(guard < (1u << 26), "drain does not end");
    }
}

/* Returns the final status; checks invariants on the way. */
static inline apx_status fz_stream_run(const fz_stream_plan *pl, const uint8_t *data, size_t size) {
    apx_stream *s = NULL;
    apx_error e;
    fz_error_init(&e);
    apx_format f = pl->formats_none ? APX_FORMAT_NONE : pl->from;
    apx_format to = pl->formats_none ? APX_FORMAT_NONE : pl->to;
    apx_status st = apx_stream_new(pl->t, pl->x, f, to, &s, &e);
    if (st != APX_OK) { fz_check_error(st, &e); return st; }
    uint32_t rng = pl->seed;
    fz_buf out = {0};
    uint8_t win[4096];
    int piece = 0, did_reset = 0;
    size_t pos = 0;
    st = APX_OK;
    while (pos < size) {
        size_t k = 1 + fz_rand(&rng) % pl->max_piece;
        if (k > size - pos) k = size - pos;
        size_t w = 1 + fz_rand(&rng) % pl->max_window;
        if (w > sizeof win) w = sizeof win;
        apx_stream_op op = (fz_rand(&rng) & 1) ? APX_STREAM_FLUSH : APX_STREAM_CONTINUE;
        apx_in in = {data + pos, k, 0};
        apx_out o = {win, w, 0};
        size_t pending = 0;
        fz_error_init(&e);
        st = apx_stream_translate(s, &o, &in, op, &pending, &e);
        if (st != APX_OK) break;
        FUZZ_CHECK(in.pos == in.size, "input not consumed (%zu of %zu)", in.pos, in.size);
        fz_buf_add(&out, win, o.pos);
        if (pending) {
            st = fz_drain(s, pl, &rng, op, &out, &e);
            if (st != APX_OK) break;
        }
        pos += k;
        if (++piece == pl->reset_at) {
            apx_stream_reset(s);
            did_reset = 1;
            out.n = 0;
        }
        if (pl->fail_at >= 0 && piece >= pl->fail_at) break; /* the host gives up here */
    }
    if (pl->fail_at >= 0 && (st != APX_OK || piece >= pl->fail_at)) {
        /* The host gives up (the upstream broke off, or the translation failed): the library
           writes the client-format failure ending, drained through tiny windows; the stream is
           then ended (END adds nothing, more input is refused). */
        static const char msg[] = "upstream broke off\n\"quoted\" \xe2\x9c\x93";
        int32_t status = (int32_t)(pl->seed % 700) - 50; /* any int32 a host may pass, hostile too */
        fz_error_init(&e);
        apx_status fs = apx_stream_fail(s, status, (const uint8_t *)msg, sizeof msg - 1, &e);
        FUZZ_CHECK(fs == APX_OK, "apx_stream_fail gave %d (%s)", fs, e.message);
        fs = fz_drain(s, pl, &rng, APX_STREAM_FLUSH, &out, &e);
        FUZZ_CHECK(fs == APX_OK, "draining the failure ending gave %d (%s)", fs, e.message);
        fs = fz_drain(s, pl, &rng, APX_STREAM_END, &out, &e);
        FUZZ_CHECK(fs == APX_OK, "END after apx_stream_fail gave %d (%s)", fs, e.message);
        size_t before = out.n;
        fz_error_init(&e);
        FUZZ_CHECK(apx_stream_fail(s, 502, NULL, 0, &e) == APX_OK, "a second apx_stream_fail failed");
        FUZZ_CHECK(fz_drain(s, pl, &rng, APX_STREAM_END, &out, &e) == APX_OK && out.n == before,
                   "a second apx_stream_fail added bytes");
        if (pl->from != pl->to) fz_check_sse(out.p, out.n, 1);
        free(out.p);
        apx_stream_free(s);
        return st;
    }
    if (st == APX_OK) {
        /* END: every byte consumed already; repeat until nothing is pending. */
        st = fz_drain(s, pl, &rng, APX_STREAM_END, &out, &e);
        if (st == APX_OK) {
            /* After END, more input is a state error; END again is fine. */
            apx_in in = {(const uint8_t *)"x", 1, 0};
            apx_out o = {win, sizeof win, 0};
            apx_error e2;
            fz_error_init(&e2);
            apx_status st2 = apx_stream_translate(s, &o, &in, APX_STREAM_CONTINUE, NULL, &e2);
            FUZZ_CHECK(st2 == APX_ERR_STATE, "input after END gave %d", st2);
            fz_check_error(st2, &e2);
        }
    }
    if (st != APX_OK) {
        fz_check_error(st, &e);
        /* A failed stream refuses more work until reset. */
        apx_in in = {NULL, 0, 0};
        apx_out o = {win, sizeof win, 0};
        apx_error e2;
        fz_error_init(&e2);
        apx_status st2 = apx_stream_translate(s, &o, &in, APX_STREAM_END, NULL, &e2);
        FUZZ_CHECK(st2 == APX_ERR_STATE, "a failed stream went on (%d)", st2);
        fz_check_error(st2, &e2);
    }

    int passthrough = pl->from == pl->to;
    if (st == APX_OK && !passthrough) fz_check_sse(out.p, out.n, 1);
    if (passthrough && !pl->x && st == APX_OK && !did_reset) {
        /* Raw passthrough copies every complete event byte for byte; only the end may differ (a
           last event completed with its blank line, a Chat `[DONE]` added, a trailing comment or
           non-SSE tail dropped). */
        size_t whole = fz_sse_complete_prefix(data, size);
        FUZZ_CHECK(out.n >= whole && (whole == 0 || memcmp(out.p, data, whole) == 0), "passthrough changed bytes");
    }

    if (!did_reset) {
        /* The same input in one piece, through apx_stream_feed on the reset stream. */
        apx_stream_reset(s);
        apx_output fo = {0};
        fz_error_init(&e);
        apx_status fst = apx_stream_feed(s, data, size, 1, &fo, &e);
        /* e holds the whole input's error, if any (it is not written on success) */
        FUZZ_CHECK((fst == APX_OK) == (st == APX_OK), "split input gave %d, whole input %d (%s)", st, fst,
                   fst == APX_OK ? "" : e.message);
        if (fst == APX_OK) {
            size_t at = 0; /* the first difference (the dump below stops at a NUL byte) */
            while (at < out.n && at < fo.len && out.p[at] == fo.data[at]) at++;
            FUZZ_CHECK(fz_same_output(out.p, out.n, fo.data, fo.len),
                       "split input output differs from whole input output at byte %zu:\n--- split (%zu)\n%.*s\n--- whole (%zu)\n%.*s",
                       at, out.n, (int)(out.n > 3000 ? 3000 : out.n), (const char *)out.p,
                       fo.len, (int)(fo.len > 3000 ? 3000 : fo.len), (const char *)fo.data);
        } else {
            fz_check_error(fst, &e);
        }
        apx_output_free(&fo);
    }
    free(out.p);
    apx_stream_free(s);
    return st;
}

#endif
