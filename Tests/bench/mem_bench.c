/*
 * Peak memory of one one-shot translation: reads a body from a file, translates it once
 * (request, response or count) and prints the peak RSS of the process and the peak above what
 * the caller itself holds (the input), in MB and as a multiple of the body size.
 *   mem_bench request|response|count FROM TO FILE [CONFIG_JSON]
 * Used by Tests/bench/mem_bench.sh.
 */
#include "apxlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static long peak_kib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s request|response|count FROM TO FILE [CONFIG]\n", argv[0]); return 2; }
    apx_format from = apx_format_from_name((const uint8_t *)argv[2], strlen(argv[2]));
    apx_format to = apx_format_from_name((const uint8_t *)argv[3], strlen(argv[3]));
    FILE *f = fopen(argv[4], "rb");
    if (!f) { perror(argv[4]); return 2; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *body = malloc((size_t)size + 1);
    if (!body || fread(body, 1, (size_t)size, f) != (size_t)size) { perror("read"); return 2; }
    fclose(f);
    const char *config = argc > 5 ? argv[5] : "";
    apx_translator *t = NULL;
    apx_error e;
    if (apx_translator_new((const uint8_t *)config, strlen(config), &t, &e) != APX_OK) {
        fprintf(stderr, "config: %s\n", e.message);
        return 2;
    }
    long before = peak_kib();
    apx_output out;
    memset(&out, 0, sizeof out);
    apx_status st;
    if (strcmp(argv[1], "request") == 0) {
        st = apx_request_translate(t, from, to, body, (size_t)size, &out, NULL, &e);
    } else if (strcmp(argv[1], "response") == 0) {
        st = apx_response_translate(t, NULL, from, to, body, (size_t)size, &out, &e);
    } else {
        int64_t tokens;
        st = apx_count_tokens(t, from, body, (size_t)size, &tokens, &e);
    }
    long peak = peak_kib();
    double mb = (double)size / 1e6;
    double above = (double)(peak - before) * 1024 / 1e6;
    printf("%s %s->%s %.1f MB: status %d, out %.1f MB, peak RSS %.0f MB, above the input %.0f MB (%.1fx)\n",
           argv[1], argv[2], argv[3], mb, (int)st, (double)out.len / 1e6, (double)peak * 1024 / 1e6, above,
           mb > 0 ? above / mb : 0.0);
    if (st != APX_OK) printf("  error: %s\n", e.message);
    apx_output_free(&out);
    apx_translator_free(t);
    free(body);
    return st == APX_OK ? 0 : 1;
}
