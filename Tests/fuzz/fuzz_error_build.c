/*
 * apx_error_build with any format value, any int32 status and any message bytes.
 * Input: [format byte][status: 4 bytes][message...]. Format bytes 0..3 are the formats and NONE,
 * the rest are cast to int32 as they are (unknown formats must give APX_ERR_ARGUMENT).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    uint8_t fb = fz_u8(&r);
    apx_format format = fb < 128 ? (apx_format)(fb % 4) : (apx_format)(int8_t)fb;
    int32_t status = (int32_t)fz_u32(&r);
    apx_output o = {0};
    apx_error e;
    fz_error_init(&e);
    apx_status st = apx_error_build(format, status, r.p, r.n, &o, &e);
    if (format < APX_FORMAT_ANTHROPIC || format > APX_FORMAT_OPENAI_RESPONSES) {
        FUZZ_CHECK(st == APX_ERR_ARGUMENT, "format %d accepted", format);
        fz_check_error(st, &e);
        return 0;
    }
    FUZZ_CHECK(st == APX_OK, "apx_error_build failed (%d): %s", st, e.message);
    fz_check_json_output(&o, "error_build");
    /* The format may map a status to its own (Anthropic's 529 is 503 for OpenAI clients). */
    if (status >= 400 && status <= 599)
        FUZZ_CHECK(o.http_status >= 400 && o.http_status <= 599, "http_status %d for %d", o.http_status, status);
    apx_output_free(&o);
    return 0;
}
