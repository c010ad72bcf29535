/*
 * apx_response_translate over all nine pairs. Input: [pair][flags][body...].
 * flags: bits 0-1 config, bit 2 use an exchange (of a canned request; bit 3 picks the variant with
 * tools and thinking), bit 4 pass the formats explicitly even with an exchange.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    apx_format from, to;
    fz_pair(fz_u8(&r), &from, &to);
    uint8_t flags = fz_u8(&r);
    apx_translator *t = fz_translator(flags & 3);
    apx_exchange *x = (flags & 4) ? fz_exchange(from, to, (flags >> 3) & 1) : NULL;
    apx_format f = from, tt = to;
    if (x && !(flags & 16)) f = tt = APX_FORMAT_NONE;

    apx_output o = {0};
    apx_error e;
    fz_error_init(&e);
    apx_status st = apx_response_translate(t, x, f, tt, r.p, r.n, &o, &e);
    if (st != APX_OK) {
        fz_check_error(st, &e);
        FUZZ_CHECK(o.data == NULL, "output written on failure");
        return 0;
    }
    fz_check_json_output(&o, "response");
    FUZZ_CHECK(o.http_status == 0 || (o.http_status >= 400 && o.http_status <= 599), "http_status %d", o.http_status);
    apx_output_free(&o);
    return 0;
}
