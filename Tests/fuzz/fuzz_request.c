/*
 * apx_request_translate over all nine (from, to) pairs. Input: [pair][flags][body...].
 * flags: bits 0-1 the translator config, bit 2 ask for an exchange. With an exchange, its getters
 * are checked and a canned upstream response is translated back through it (the exchange carries
 * the fuzzed request's tool-name map and models).
 */
#include "fuzz_common.h"

static const char *const canned_response[3] = {
    "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},"
    "{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"get\",\"input\":{}}],\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}",
    "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":\"hi\",\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"get\",\"arguments\":\"{}\"}}]},"
    "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}",
    "{\"id\":\"r1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\",\"output\":[{\"type\":\"message\",\"id\":\"m1\","
    "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"hi\"}]},{\"type\":\"function_call\",\"id\":\"f1\","
    "\"call_id\":\"c1\",\"name\":\"get\",\"arguments\":\"{}\"}],\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3}}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    apx_format from, to;
    fz_pair(fz_u8(&r), &from, &to);
    uint8_t flags = fz_u8(&r);
    apx_translator *t = fz_translator(flags & 3);

    apx_output o = {0};
    apx_exchange *x = NULL;
    apx_error e;
    fz_error_init(&e);
    apx_status st = apx_request_translate(t, from, to, r.p, r.n, &o, (flags & 4) ? &x : NULL, &e);
    if (st != APX_OK) {
        fz_check_error(st, &e);
        FUZZ_CHECK(o.data == NULL && x == NULL, "outputs written on failure");
        return 0;
    }
    fz_check_json_output(&o, "request");
    apx_output_free(&o);
    FUZZ_CHECK(o.data == NULL && o.len == 0, "apx_output_free did not zero");
    if (x) {
        FUZZ_CHECK(apx_exchange_client_format(x) == from, "client format");
        FUZZ_CHECK(apx_exchange_upstream_format(x) == to, "upstream format");
        FUZZ_CHECK(apx_exchange_stream(x) == 0 || apx_exchange_stream(x) == 1, "stream flag");
        FUZZ_CHECK(apx_exchange_client_model(x) != NULL && apx_exchange_upstream_model(x) != NULL, "models");
        FUZZ_CHECK(apx_exchange_input_tokens(x) >= 0, "input tokens %lld", (long long)apx_exchange_input_tokens(x));
        const char *resp = canned_response[fz_format_index(to)];
        fz_error_init(&e);
        st = apx_response_translate(t, x, APX_FORMAT_NONE, APX_FORMAT_NONE, (const uint8_t *)resp, strlen(resp), &o, &e);
        if (st == APX_OK) fz_check_json_output(&o, "response through the fuzzed exchange");
        else fz_check_error(st, &e);
        apx_output_free(&o);
        apx_stream *s = NULL;
        st = apx_stream_new(t, x, APX_FORMAT_NONE, APX_FORMAT_NONE, &s, &e);
        if (st == APX_OK) {
            apx_output so = {0};
            static const char ev[] = "data: {\"type\":\"ping\"}\n\n";
            st = apx_stream_feed(s, (const uint8_t *)ev, sizeof ev - 1, 1, &so, &e);
            if (st != APX_OK) fz_check_error(st, &e);
            apx_output_free(&so);
            apx_stream_free(s);
        } else {
            fz_check_error(st, &e);
        }
        apx_exchange_free(x);
    }
    return 0;
}
