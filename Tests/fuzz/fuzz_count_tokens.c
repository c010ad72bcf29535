/*
 * apx_count_tokens with any format value. Input: [format byte][config byte][body...].
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    uint8_t fb = fz_u8(&r);
    apx_format format = fb < 128 ? (apx_format)(fb % 4) : (apx_format)(int8_t)fb;
    apx_translator *t = fz_translator(fz_u8(&r));
    int64_t tokens = -77;
    apx_error e;
    fz_error_init(&e);
    apx_status st = apx_count_tokens(t, format, r.p, r.n, &tokens, &e);
    if (st != APX_OK) {
        fz_check_error(st, &e);
        FUZZ_CHECK(tokens == -77, "tokens written on failure");
        if (format < 1 || format > 3) FUZZ_CHECK(st == APX_ERR_ARGUMENT, "format %d: status %d", format, st);
        return 0;
    }
    FUZZ_CHECK(format >= 1 && format <= 3, "format %d accepted", format);
    FUZZ_CHECK(tokens >= 0, "negative token count %lld", (long long)tokens);
    return 0;
}
