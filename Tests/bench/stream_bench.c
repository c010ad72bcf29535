/* Per-event cost of apx_stream_translate for text deltas and tool-argument deltas, from C.
 * make lib && cc -O2 -Iinclude Tests/bench/stream_bench.c -Lbuild/lib -lapxlate -Wl,-rpath,$PWD/build/lib -o /tmp/stream_bench && /tmp/stream_bench */
#define _POSIX_C_SOURCE 200809L
#include "apxlate.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static void append(char **buf, size_t *len, size_t *cap, const char *s) {
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) { *cap = (*len + n + 1) * 2; *buf = realloc(*buf, *cap); }
    memcpy(*buf + *len, s, n); *len += n; (*buf)[*len] = 0;
}

static double run(apx_translator *t, int from, int to, const char *head, const char *event, const char *tail, int n) {
    char *buf = NULL; size_t len = 0, cap = 0;
    append(&buf, &len, &cap, head);
    for (int i = 0; i < n; i++) append(&buf, &len, &cap, event);
    append(&buf, &len, &cap, tail);
    static uint8_t out[1 << 16];
    double best = 1e9;
    for (int round = 0; round < 5; round++) {
        apx_stream *s; apx_error err;
        if (apx_stream_new(t, NULL, from, to, &s, &err)) { printf("new: %s\n", err.message); exit(1); }
        double t0 = now();
        size_t fed = 0, produced = 0;
        while (fed < len) {
            size_t piece = len - fed < 4096 ? len - fed : 4096;
            apx_in in = { (const uint8_t *)buf + fed, piece, 0 };
            size_t pending;
            do {
                apx_out o = { out, sizeof out, 0 };
                if (apx_stream_translate(s, &o, &in, APX_STREAM_CONTINUE, &pending, &err)) { printf("err: %s\n", err.message); exit(1); }
                produced += o.pos;
            } while (pending);
            fed += piece;
        }
        size_t pending;
        do {
            apx_out o = { out, sizeof out, 0 };
            apx_stream_translate(s, &o, NULL, APX_STREAM_END, &pending, &err);
            produced += o.pos;
        } while (pending);
        double dt = now() - t0;
        if (dt < best) best = dt;
        apx_stream_free(s);
        if (round == 0) printf("  in %zu bytes, out %zu bytes\n", len, produced);
    }
    free(buf);
    return best / n * 1e9;
}

int main(void) {
    apx_translator *t; apx_error err;
    if (apx_translator_new((const uint8_t *)"{}", 2, &t, &err)) return 1;
    int n = 200000;
    const char *chead = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
    const char *ctext = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" hello\"},\"finish_reason\":null}]}\n\n";
    const char *ctoolhead = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n";
    const char *ctool = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"ab\"}}]},\"finish_reason\":null}]}\n\n";
    const char *ctail = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    printf("chat -> anthropic text delta: %.0f ns/event\n", run(t, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, chead, ctext, ctail, n));
    char head2[2048]; snprintf(head2, sizeof head2, "%s%s", chead, ctoolhead);
    printf("chat -> anthropic tool-argument delta: %.0f ns/event\n", run(t, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, head2, ctool, ctail, n));
    const char *ahead = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"c\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    const char *atext = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" hello\"}}\n\n";
    const char *atail = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    printf("anthropic -> chat text delta: %.0f ns/event\n", run(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT, ahead, atext, atail, n));
    const char *atoolhead = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"c\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}\n\n";
    const char *atool = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"ab\"}}\n\n";
    printf("anthropic -> chat tool-argument delta: %.0f ns/event\n", run(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT, atoolhead, atool, atail, n));
    apx_translator_free(t);
    return 0;
}
