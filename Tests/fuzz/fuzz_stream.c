/*
 * apx_stream_translate on raw upstream bytes, split at fuzzer-chosen points, with 1..N byte
 * output windows, CONTINUE/FLUSH/END and reset. Input: [pair][flags][window][seed: 4][sse...].
 * flags: bits 0-1 config, bit 2 exchange (bit 3 its variant; bit 4 explicit formats), bit 5 reset
 * after a piece chosen by the seed, bit 6 big pieces (up to 4096 bytes; else up to 64), bit 7
 * end with apx_stream_fail after a piece chosen by the seed (or after a translation error).
 */
#include "fuzz_stream_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    apx_format from, to;
    fz_pair(fz_u8(&r), &from, &to);
    uint8_t flags = fz_u8(&r);
    uint8_t window = fz_u8(&r);
    uint32_t seed = fz_u32(&r);
    fz_stream_plan pl = {0};
    pl.t = fz_translator(flags & 3);
    pl.x = (flags & 4) ? fz_exchange(from, to, (flags >> 3) & 1) : NULL;
    pl.from = from;
    pl.to = to;
    pl.formats_none = pl.x && !(flags & 16);
    pl.seed = seed | 1;
    pl.max_window = window < 64 ? 1 + window % 16 : 1 + (unsigned)window * 16;
    pl.max_piece = (flags & 64) ? 4096 : 64;
    pl.reset_at = (flags & 32) ? (int)(1 + seed % 8) : -1;
    pl.fail_at = (flags & 128) ? (int)((seed >> 8) % 16) : -1;
    fz_stream_run(&pl, r.p, r.n);
    return 0;
}
