/*
 * apx_error_translate over all nine pairs with any int32 status. Input:
 * [pair][flags][status: 4 bytes big-endian][body...]. flags: bits 0-1 config, bit 2 exchange.
 * The call must always succeed (any body, even empty or not JSON) with a JSON error body and an
 * HTTP status in 100..599 (from == to: an upstream error body passes unchanged with its status;
 * anything else, such as an HTML page or garbage, is rebuilt as an error of the format).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    apx_format from, to;
    fz_pair(fz_u8(&r), &from, &to);
    uint8_t flags = fz_u8(&r);
    int32_t status = (int32_t)fz_u32(&r);
    apx_translator *t = fz_translator(flags & 3);
    apx_exchange *x = (flags & 4) ? fz_exchange(from, to, (flags >> 3) & 1) : NULL;

    apx_output o = {0};
    apx_error e;
    fz_error_init(&e);
    apx_status st = apx_error_translate(t, x, from, to, status, r.p, r.n, &o, &e);
    FUZZ_CHECK(st == APX_OK, "apx_error_translate failed (%d): %s", st, e.message);
    fz_check_json_output(&o, "error");
    FUZZ_CHECK(o.http_status >= 100 && o.http_status <= 599, "client status %d for upstream %d", o.http_status, status);
    if (from == to && o.len == r.n && (r.n == 0 || memcmp(o.data, r.p, r.n) == 0) && status >= 100 && status <= 599)
        FUZZ_CHECK(o.http_status == status, "passthrough changed the status");
    apx_output_free(&o);
    return 0;
}
