/*
 * apx_translator_new on any bytes. When a configuration is accepted, the translator is used on a
 * small request for each of the nine pairs (request, token count, stream), so the settings'
 * effects (model maps, caps, fields) are exercised too.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    apx_translator *t = NULL;
    apx_error e;
    fz_error_init(&e);
    apx_status st = apx_translator_new(data, size, &t, &e);
    if (st != APX_OK) {
        fz_check_error(st, &e);
        FUZZ_CHECK(t == NULL, "translator written on failure");
        return 0;
    }
    FUZZ_CHECK(t != NULL, "no translator");
    for (int c = 0; c < 3; c++) {
        for (int u = 0; u < 3; u++) {
            const char *req = fz_requests[c * 2 + 1];
            apx_output o = {0};
            apx_exchange *x = NULL;
            fz_error_init(&e);
            st = apx_request_translate(t, fz_formats[c], fz_formats[u], (const uint8_t *)req, strlen(req), &o, &x, &e);
            if (st != APX_OK) { fz_check_error(st, &e); continue; }
            fz_check_json_output(&o, "request with the fuzzed config");
            apx_output_free(&o);
            apx_stream *s = NULL;
            st = apx_stream_new(t, x, APX_FORMAT_NONE, APX_FORMAT_NONE, &s, &e);
            if (st == APX_OK) apx_stream_free(s); else fz_check_error(st, &e);
            apx_exchange_free(x);
        }
        int64_t tokens = -1;
        const char *req = fz_requests[c * 2];
        st = apx_count_tokens(t, fz_formats[c], (const uint8_t *)req, strlen(req), &tokens, &e);
        if (st == APX_OK) FUZZ_CHECK(tokens >= 0, "tokens %lld", (long long)tokens); else fz_check_error(st, &e);
    }
    apx_translator_free(t);
    return 0;
}
