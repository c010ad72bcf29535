/*
 * In-process translation time per call through libapxlate's C ABI, for Tests/bench/peers/run.py.
 * usage: peers_bench RUNS KIND:FILE...   KIND: req (Anthropic -> Chat request, exchange created
 * and freed as a proxy does) or resp (Chat -> Anthropic response).
 * Prints one line per file: "FILE MEDIAN_US BEST_US" (median of RUNS runs of ~0.1 s each), or
 * "FILE error MESSAGE".
 */
#define _POSIX_C_SOURCE 200809L
#include "apxlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static apx_translator *T;

static apx_status once(int req, const uint8_t *body, size_t len, long iters, apx_error *e) {
    for (long i = 0; i < iters; i++) {
        apx_output out = {0};
        apx_exchange *ex = NULL;
        apx_status st = req
            ? apx_request_translate(T, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT, body, len, &out, &ex, e)
            : apx_response_translate(T, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, body, len, &out, e);
        if (st != APX_OK) return st;
        apx_output_free(&out);
        apx_exchange_free(ex);
    }
    return APX_OK;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: peers_bench RUNS KIND:FILE...\n"); return 2; }
    int runs = atoi(argv[1]) > 0 ? atoi(argv[1]) : 5;
    apx_error e;
    if (apx_translator_new((const uint8_t *)"{\"models\":{\"default\":\"gpt-5.1\"}}", 32, &T, &e) != APX_OK) {
        fprintf(stderr, "peers_bench: %s\n", e.message);
        return 1;
    }
    for (int a = 2; a < argc; a++) {
        int req = strncmp(argv[a], "req:", 4) == 0;
        if (!req && strncmp(argv[a], "resp:", 5) != 0) { fprintf(stderr, "peers_bench: bad argument %s\n", argv[a]); return 2; }
        const char *path = argv[a] + (req ? 4 : 5);
        FILE *f = fopen(path, "rb");
        if (!f) { fprintf(stderr, "peers_bench: cannot open %s\n", path); return 2; }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *body = malloc(n > 0 ? (size_t)n : 1);
        if (!body || fread(body, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "peers_bench: cannot read %s\n", path); return 2; }
        fclose(f);
        long iters = 1;
        double t = 0;
        apx_status st = once(req, body, (size_t)n, 1, &e);
        while (st == APX_OK) { /* calibrate: iterations for ~0.1 s */
            double t0 = now();
            st = once(req, body, (size_t)n, iters, &e);
            t = now() - t0;
            if (t >= 0.025) break;
            iters *= 4;
        }
        if (st != APX_OK) { printf("%s error %.200s\n", argv[a], e.message); free(body); continue; }
        iters = (long)((double)iters * 0.1 / t) + 1;
        double *per = malloc(sizeof(double) * (size_t)runs);
        if (!per) return 1;
        for (int r = 0; r < runs && st == APX_OK; r++) {
            double t0 = now();
            st = once(req, body, (size_t)n, iters, &e);
            per[r] = (now() - t0) / (double)iters;
        }
        qsort(per, (size_t)runs, sizeof(double), cmp_double);
        printf("%s %.3f %.3f\n", argv[a], per[runs / 2] * 1e6, per[0] * 1e6);
        free(per);
        free(body);
    }
    apx_translator_free(T);
    return 0;
}
