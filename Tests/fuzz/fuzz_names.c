/*
 * The small exports: apx_format_from_name, apx_format_name, apx_status_str, versions, and every
 * entry point's NULL-argument checks. Input: [int32 a][int32 b][name bytes...].
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    int32_t a = (int32_t)fz_u32(&r);
    int32_t b = (int32_t)fz_u32(&r);

    apx_format f = apx_format_from_name(r.p, r.n);
    FUZZ_CHECK(f >= APX_FORMAT_NONE && f <= APX_FORMAT_OPENAI_RESPONSES, "format %d", f);
    if (f != APX_FORMAT_NONE) {
        const char *n = apx_format_name(f);
        FUZZ_CHECK(strlen(n) == r.n && memcmp(n, r.p, r.n) == 0, "name round trip");
    }
    FUZZ_CHECK(apx_format_from_name(NULL, r.n) == APX_FORMAT_NONE || r.n == 0, "NULL name");
    const char *n = apx_format_name(a);
    FUZZ_CHECK(n != NULL, "apx_format_name NULL");
    if (a < 1 || a > 3) FUZZ_CHECK(n[0] == 0, "name for unknown format %d", a);
    else FUZZ_CHECK(apx_format_from_name((const uint8_t *)n, strlen(n)) == a, "round trip %d", a);
    const char *s = apx_status_str(b);
    FUZZ_CHECK(s != NULL && s[0] != 0, "apx_status_str");
    FUZZ_CHECK(apx_version_string() != NULL && apx_abi_version() == APX_ABI_VERSION, "versions");

    /* NULL handles and pointers: APX_ERR_ARGUMENT with a message, never a crash. */
    apx_output o = {0};
    apx_error e;
    int64_t tok;
    apx_stream *s2 = NULL;
    apx_translator *t = fz_translator(0);
    const uint8_t *p = r.n ? r.p : NULL;
#define EXPECT_ARG(call) do { fz_error_init(&e); apx_status st_ = (call); \
        FUZZ_CHECK(st_ == APX_ERR_ARGUMENT, #call " -> %d", st_); fz_check_error(st_, &e); } while (0)
    EXPECT_ARG(apx_request_translate(NULL, 1, 2, p, r.n, &o, NULL, &e));
    EXPECT_ARG(apx_request_translate(t, a, b, p, r.n, NULL, NULL, &e));
    if (r.n) EXPECT_ARG(apx_request_translate(t, 1, 2, NULL, r.n, &o, NULL, &e));
    EXPECT_ARG(apx_response_translate(NULL, NULL, 1, 2, p, r.n, &o, &e));
    EXPECT_ARG(apx_response_translate(t, NULL, APX_FORMAT_NONE, 2, p, r.n, &o, &e));
    EXPECT_ARG(apx_error_translate(t, NULL, 1, APX_FORMAT_NONE, a, p, r.n, &o, &e));
    EXPECT_ARG(apx_error_build(1, a, p, r.n, NULL, &e));
    EXPECT_ARG(apx_count_tokens(t, 1, p, r.n, NULL, &e));
    EXPECT_ARG(apx_count_tokens(NULL, 1, p, r.n, &tok, &e));
    EXPECT_ARG(apx_translator_new(p, r.n, NULL, &e));
    EXPECT_ARG(apx_stream_new(NULL, NULL, 1, 2, &s2, &e));
    EXPECT_ARG(apx_stream_new(t, NULL, 1, 2, NULL, &e));
    EXPECT_ARG(apx_stream_translate(NULL, NULL, NULL, 0, NULL, &e));
    EXPECT_ARG(apx_stream_feed(NULL, p, r.n, 1, &o, &e));
    apx_usage u;
    EXPECT_ARG(apx_request_model(NULL, 1, p, r.n, &o, &e));
    EXPECT_ARG(apx_request_model(t, 1, p, r.n, NULL, &e));
    if ((a < 1 || a > 3)) EXPECT_ARG(apx_request_model(t, a, p, r.n, &o, &e));
    EXPECT_ARG(apx_response_usage(NULL, 1, p, r.n, &u, &e));
    EXPECT_ARG(apx_response_usage(t, 1, p, r.n, NULL, &e));
    if (r.n) EXPECT_ARG(apx_response_usage(t, 1, NULL, r.n, &u, &e));
    EXPECT_ARG(apx_stream_usage(NULL, &u, &e));
    if ((a < 1 || a > 3) && a != 0) EXPECT_ARG(apx_stream_new(t, NULL, a, 2, &s2, &e));
    /* Status without an apx_error. */
    FUZZ_CHECK(apx_stream_feed(NULL, p, r.n, 1, &o, NULL) == APX_ERR_ARGUMENT, "no error struct");
    apx_translator_free(NULL);
    apx_exchange_free(NULL);
    apx_stream_free(NULL);
    apx_stream_reset(NULL);
    apx_output_free(NULL);
    FUZZ_CHECK(apx_exchange_client_model(NULL) == NULL && apx_exchange_input_tokens(NULL) == 0, "NULL exchange");
    return 0;
}
