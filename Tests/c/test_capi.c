/*
 * Exercises every function of include/apxlate.h through libapxlate.so, as an outside C host would:
 * success paths, error paths (status, message, path, offset), out-parameters left untouched on
 * failure, NULL handling, and one translator shared by several threads.
 *
 * Every direction is implemented: a placeholder's "not implemented" answer counts as a failure.
 * Exit status: 0 when nothing failed.
 */
#include "apxlate.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0, checks = 0;

#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

static int not_implemented(apx_status st, const apx_error *e, const char *what) {
    if (st == APX_ERR_UNSUPPORTED && strstr(e->message, "not implemented")) {
        fprintf(stderr, "FAIL %s: a placeholder answered: %s\n", what, e->message);
        failures++;
        return 1;
    }
    return 0;
}

static int contains(const uint8_t *data, size_t len, const char *needle) {
    size_t n = strlen(needle);
    if (n > len) return 0;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, needle, n) == 0) return 1;
    return 0;
}

static const char ANTHROPIC_REQ[] =
    "{\"model\": \"claude-sonnet-4-5\", \"max_tokens\": 100, \"stream\": true,"
    " \"messages\": [{\"role\": \"user\", \"content\": \"hi \\u00e9\"}]}";
static const char CHAT_RESP[] =
    "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
    "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\"}}],"
    "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}";
static const char CHAT_SSE[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
    "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n"
    "data: [DONE]\n\n";

static void test_versions_statuses_formats(void) {
    CHECK(strcmp(apx_version_string(), APX_VERSION_STRING) == 0);
    CHECK(apx_abi_version() == APX_ABI_VERSION);
    for (apx_status s = APX_OK; s <= APX_ERR_INTERNAL; s++) {
        const char *text = apx_status_str(s);
        CHECK(text != NULL && text[0] != '\0');
        CHECK(strcmp(text, "unknown status") != 0);
    }
    CHECK(strcmp(apx_status_str(APX_OK), "ok") == 0);
    CHECK(strcmp(apx_status_str(APX_ERR_JSON), "invalid JSON") == 0);
    CHECK(strcmp(apx_status_str(-1), "unknown status") == 0);
    CHECK(strcmp(apx_status_str(1000), "unknown status") == 0);

    CHECK(apx_format_from_name(S("anthropic")) == APX_FORMAT_ANTHROPIC);
    CHECK(apx_format_from_name(S("openai-chat")) == APX_FORMAT_OPENAI_CHAT);
    CHECK(apx_format_from_name(S("openai-responses")) == APX_FORMAT_OPENAI_RESPONSES);
    CHECK(apx_format_from_name(S("openai")) == APX_FORMAT_NONE);
    CHECK(apx_format_from_name(S("anthropic\0")) == APX_FORMAT_NONE);
    CHECK(apx_format_from_name(NULL, 0) == APX_FORMAT_NONE);
    CHECK(apx_format_from_name(NULL, 5) == APX_FORMAT_NONE);
    for (apx_format f = APX_FORMAT_ANTHROPIC; f <= APX_FORMAT_OPENAI_RESPONSES; f++) {
        const char *name = apx_format_name(f);
        CHECK(apx_format_from_name((const uint8_t *)name, strlen(name)) == f);
    }
    CHECK(strcmp(apx_format_name(APX_FORMAT_NONE), "") == 0);
    CHECK(strcmp(apx_format_name(99), "") == 0);

    apx_output_free(NULL);
    apx_output zero = {0};
    apx_output_free(&zero);
    CHECK(zero.data == NULL && zero.len == 0);
}

static void test_translator_new(void) {
    apx_translator *t = NULL;
    apx_error e;
    CHECK(apx_translator_new(NULL, 0, &t, &e) == APX_OK && t != NULL);
    apx_translator_free(t);
    t = NULL;
    CHECK(apx_translator_new(S("{}"), &t, NULL) == APX_OK && t != NULL);
    apx_translator_free(t);
    apx_translator_free(NULL);

    apx_translator *untouched = (apx_translator *)&e; /* a sentinel: must not be overwritten */
    t = untouched;
    memset(&e, 0x55, sizeof e);
    CHECK(apx_translator_new(S("{\"models\": {\"bogus\": 1}}"), &t, &e) == APX_ERR_CONFIG);
    CHECK(e.code == APX_ERR_CONFIG && strcmp(e.path, "models.bogus") == 0 && e.offset == -1);
    CHECK(strstr(e.message, "models.bogus") != NULL);
    CHECK(t == untouched);

    CHECK(apx_translator_new(S("{\"models\": "), &t, &e) == APX_ERR_CONFIG);
    CHECK(e.offset == 11 && t == untouched);
    CHECK(apx_translator_new(S("[]"), &t, &e) == APX_ERR_CONFIG);
    CHECK(apx_translator_new(S("{}"), NULL, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_translator_new(NULL, 3, &t, &e) == APX_ERR_ARGUMENT && t == untouched);
    CHECK(apx_translator_new(S("{\"models\": 1}"), &t, NULL) == APX_ERR_CONFIG); /* NULL error is fine */
}

static apx_translator *make_translator(void) {
    apx_translator *t = NULL;
    apx_error e;
    apx_status st = apx_translator_new(S("{\"models\": {\"map\": {\"claude-sonnet-4-5\": \"gpt-4o\"}, \"default\": \"small\"}}"), &t, &e);
    CHECK(st == APX_OK);
    return t;
}

static void test_requests(apx_translator *t) {
    apx_output out = {0};
    apx_exchange *ex = NULL;
    apx_error e;

    /* passthrough: only the model changes */
    CHECK(apx_request_translate(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_ANTHROPIC, S(ANTHROPIC_REQ), &out, &ex, &e) == APX_OK);
    const char *expected = "{\"model\": \"gpt-4o\", \"max_tokens\": 100, \"stream\": true,"
                           " \"messages\": [{\"role\": \"user\", \"content\": \"hi \\u00e9\"}]}";
    CHECK(out.len == strlen(expected) && memcmp(out.data, expected, out.len) == 0);
    CHECK(out.warnings == NULL && out.warnings_len == 0 && out.http_status == 0);
    CHECK(ex != NULL);
    CHECK(apx_exchange_client_format(ex) == APX_FORMAT_ANTHROPIC);
    CHECK(apx_exchange_upstream_format(ex) == APX_FORMAT_ANTHROPIC);
    CHECK(apx_exchange_stream(ex) == 1);
    CHECK(strcmp(apx_exchange_client_model(ex), "claude-sonnet-4-5") == 0);
    CHECK(strcmp(apx_exchange_upstream_model(ex), "gpt-4o") == 0);
    CHECK(apx_exchange_input_tokens(ex) > 0);
    apx_output_free(&out);
    CHECK(out.data == NULL && out.len == 0);
    apx_exchange_free(ex);
    apx_exchange_free(NULL);

    /* NULL exchange getters */
    CHECK(apx_exchange_client_format(NULL) == APX_FORMAT_NONE);
    CHECK(apx_exchange_upstream_format(NULL) == APX_FORMAT_NONE);
    CHECK(apx_exchange_stream(NULL) == 0);
    CHECK(apx_exchange_client_model(NULL) == NULL);
    CHECK(apx_exchange_upstream_model(NULL) == NULL);
    CHECK(apx_exchange_input_tokens(NULL) == 0);

    /* no exchange wanted */
    CHECK(apx_request_translate(t, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_OPENAI_CHAT, S("{\"model\":\"m\",\"messages\":[]}"), &out, NULL, &e) == APX_OK);
    CHECK(out.len == strlen("{\"model\":\"small\",\"messages\":[]}"));
    apx_output_free(&out);

    /* errors leave the out-parameters alone */
    apx_exchange *sentinel = (apx_exchange *)&e;
    ex = sentinel;
    CHECK(apx_request_translate(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT, S("{\"model\": [1,]}"), &out, &ex, &e) == APX_ERR_JSON);
    CHECK(e.code == APX_ERR_JSON && e.offset == 13 && e.path[0] == '\0' && strstr(e.message, "byte 13"));
    CHECK(out.data == NULL && out.len == 0 && ex == sentinel);
    CHECK(apx_request_translate(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_ANTHROPIC, S("{\"model\": 5}"), &out, &ex, &e) == APX_ERR_INVALID);
    CHECK(strcmp(e.path, "model") == 0 && ex == sentinel);
    CHECK(apx_request_translate(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_ANTHROPIC, S("\"str\""), &out, &ex, &e) == APX_ERR_INVALID);
    CHECK(apx_request_translate(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_ANTHROPIC, S("{\"a\":\"\xff\"}"), &out, &ex, &e) == APX_ERR_JSON);
    CHECK(e.offset == 6);
    CHECK(apx_request_translate(NULL, 1, 1, S("{}"), &out, &ex, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_request_translate(t, 0, 1, S("{}"), &out, &ex, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_request_translate(t, 1, 7, S("{}"), &out, &ex, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_request_translate(t, 1, 1, NULL, 4, &out, &ex, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_request_translate(t, 1, 1, S("{}"), NULL, &ex, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_request_translate(t, 1, 1, NULL, 0, &out, &ex, &e) == APX_ERR_JSON); /* empty is not JSON */
    CHECK(ex == sentinel && out.data == NULL);

    /* deep nesting is a limit, not a crash */
    size_t deep = 200000;
    uint8_t *brackets = malloc(deep);
    CHECK(brackets != NULL);
    if (brackets) {
        memset(brackets, '[', deep);
        CHECK(apx_request_translate(t, 1, 2, brackets, deep, &out, NULL, &e) == APX_ERR_LIMIT);
        free(brackets);
    }

    /* between formats */
    apx_status st = apx_request_translate(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT, S(ANTHROPIC_REQ), &out, &ex, &e);
    if (!not_implemented(st, &e, "anthropic -> openai-chat request")) {
        CHECK(st == APX_OK);
        if (st == APX_OK) {
            CHECK(contains(out.data, out.len, "\"model\":\"gpt-4o\""));
            CHECK(contains(out.data, out.len, "\"role\":\"user\""));
            CHECK(apx_exchange_client_format(ex) == APX_FORMAT_ANTHROPIC);
            CHECK(apx_exchange_upstream_format(ex) == APX_FORMAT_OPENAI_CHAT);
            apx_output_free(&out);
            apx_exchange_free(ex);
        }
    }
}

static void test_responses_and_errors(apx_translator *t) {
    apx_output out = {0};
    apx_exchange *ex = NULL;
    apx_error e;
    CHECK(apx_request_translate(t, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_OPENAI_CHAT,
                                S("{\"model\":\"claude-sonnet-4-5\",\"messages\":[]}"), &out, &ex, &e) == APX_OK);
    apx_output_free(&out);

    /* passthrough response gets the client's model back; formats from the exchange */
    CHECK(apx_response_translate(t, ex, APX_FORMAT_NONE, APX_FORMAT_NONE, S(CHAT_RESP), &out, &e) == APX_OK);
    CHECK(contains(out.data, out.len, "\"model\":\"claude-sonnet-4-5\""));
    CHECK(out.len == sizeof(CHAT_RESP) - 1 + strlen("claude-sonnet-4-5") - strlen("gpt-4o"));
    apx_output_free(&out);
    CHECK(apx_response_translate(t, ex, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_OPENAI_CHAT, S(CHAT_RESP), &out, &e) == APX_OK);
    apx_output_free(&out);
    CHECK(apx_response_translate(t, ex, APX_FORMAT_ANTHROPIC, APX_FORMAT_NONE, S(CHAT_RESP), &out, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_response_translate(t, NULL, APX_FORMAT_NONE, APX_FORMAT_ANTHROPIC, S(CHAT_RESP), &out, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_response_translate(NULL, ex, 0, 0, S(CHAT_RESP), &out, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_response_translate(t, ex, 0, 0, S("{\"model\":"), &out, &e) == APX_ERR_JSON && e.offset == 9);
    CHECK(out.data == NULL);

    apx_status st = apx_response_translate(t, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, S(CHAT_RESP), &out, &e);
    if (!not_implemented(st, &e, "openai-chat -> anthropic response")) {
        CHECK(st == APX_OK);
        CHECK(contains(out.data, out.len, "\"type\":\"message\""));
        CHECK(contains(out.data, out.len, "\"end_turn\""));
        apx_output_free(&out);
    }

    /* errors */
    CHECK(apx_error_translate(t, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, 429,
                              S("{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"), &out, &e) == APX_OK);
    const char *want = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}";
    CHECK(out.http_status == 429 && out.len == strlen(want) && memcmp(out.data, want, out.len) == 0);
    apx_output_free(&out);
    CHECK(out.http_status == 0);
    CHECK(apx_error_translate(t, NULL, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT, 529, NULL, 0, &out, &e) == APX_OK);
    CHECK(out.http_status == 503 && contains(out.data, out.len, "server_is_overloaded"));
    apx_output_free(&out);
    CHECK(apx_error_translate(t, ex, APX_FORMAT_NONE, APX_FORMAT_NONE, 500, S("oops"), &out, &e) == APX_OK);
    CHECK(out.http_status == 500);
    apx_output_free(&out);
    CHECK(apx_error_translate(t, NULL, 0, 1, 500, S("x"), &out, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_error_translate(t, NULL, 2, 1, 500, S("x"), NULL, &e) == APX_ERR_ARGUMENT);

    CHECK(apx_error_build(APX_FORMAT_ANTHROPIC, 502, S("upstream unreachable"), &out, &e) == APX_OK);
    want = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"upstream unreachable\"}}";
    CHECK(out.http_status == 502 && out.len == strlen(want) && memcmp(out.data, want, out.len) == 0);
    apx_output_free(&out);
    CHECK(apx_error_build(APX_FORMAT_OPENAI_RESPONSES, 401, S("no key"), &out, &e) == APX_OK);
    CHECK(out.http_status == 401 && contains(out.data, out.len, "\"no key\""));
    apx_output_free(&out);
    CHECK(apx_error_build(APX_FORMAT_NONE, 400, S("x"), &out, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_error_build(APX_FORMAT_ANTHROPIC, 400, NULL, 2, &out, &e) == APX_ERR_ARGUMENT);

    /* token counts */
    int64_t tokens = -7;
    st = apx_count_tokens(t, APX_FORMAT_ANTHROPIC, S(ANTHROPIC_REQ), &tokens, &e);
    if (!not_implemented(st, &e, "anthropic token count")) {
        CHECK(st == APX_OK && tokens > 0);
    }
    tokens = -7;
    CHECK(apx_count_tokens(t, APX_FORMAT_ANTHROPIC, S("{"), &tokens, &e) == APX_ERR_JSON && tokens == -7);
    CHECK(apx_count_tokens(t, APX_FORMAT_ANTHROPIC, S("{}"), NULL, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_count_tokens(t, 9, S("{}"), &tokens, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_count_tokens(NULL, 1, S("{}"), &tokens, &e) == APX_ERR_ARGUMENT);
    apx_exchange_free(ex);
}

/* Drains the stream through apx_stream_translate with an output window of `window` bytes. */
static size_t translate_windowed(apx_stream *s, const char *sse, size_t len, size_t window, uint8_t *dst, size_t cap) {
    apx_error e;
    uint8_t buf[64];
    size_t total = 0, pending = 0;
    apx_in in = {(const uint8_t *)sse, len, 0};
    for (int op = APX_STREAM_CONTINUE; ; op = APX_STREAM_END) {
        do {
            apx_out out = {buf, window, 0};
            apx_status st = apx_stream_translate(s, &out, &in, op, &pending, &e);
            CHECK(st == APX_OK);
            if (st != APX_OK) return 0;
            CHECK(in.pos == in.size);
            if (total + out.pos <= cap) memcpy(dst + total, buf, out.pos);
            total += out.pos;
        } while (pending > 0);
        if (op == APX_STREAM_END) break;
    }
    return total;
}

static void test_streams(apx_translator *t) {
    apx_error e;
    apx_stream *s = NULL;
    apx_status st = apx_stream_new(t, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, &s, &e);
    apx_error first = e;
    /* argument errors first: they do not depend on the stream translator */
    apx_stream *sentinel = (apx_stream *)&e, *s2 = sentinel;
    CHECK(apx_stream_new(NULL, NULL, 2, 1, &s2, &e) == APX_ERR_ARGUMENT && s2 == sentinel);
    CHECK(apx_stream_new(t, NULL, 0, 1, &s2, &e) == APX_ERR_ARGUMENT && s2 == sentinel);
    CHECK(apx_stream_new(t, NULL, 2, 1, NULL, &e) == APX_ERR_ARGUMENT);
    apx_stream_free(NULL);
    apx_stream_reset(NULL);
    apx_output out = {0};
    CHECK(apx_stream_feed(NULL, S("x"), 0, &out, &e) == APX_ERR_ARGUMENT);
    apx_out o = {NULL, 0, 0};
    CHECK(apx_stream_translate(NULL, &o, NULL, APX_STREAM_CONTINUE, NULL, &e) == APX_ERR_ARGUMENT);
    if (not_implemented(st, &first, "openai-chat -> anthropic stream")) return;
    CHECK(st == APX_OK && s != NULL);
    if (st != APX_OK) return;

    /* one call with everything */
    CHECK(apx_stream_feed(s, S(CHAT_SSE), 1, &out, &e) == APX_OK);
    CHECK(contains(out.data, out.len, "event: message_start"));
    CHECK(contains(out.data, out.len, "event: message_stop"));
    size_t ref_len = out.len;
    uint8_t *ref = malloc(ref_len);
    if (!ref) { apx_output_free(&out); apx_stream_free(s); return; }
    memcpy(ref, out.data, ref_len);
    apx_output_free(&out);

    /* after the end: a state error until reset */
    CHECK(apx_stream_feed(s, S("data: {}\n\n"), 0, &out, &e) == APX_ERR_STATE && out.data == NULL);
    apx_stream_reset(s);

    /* the zstd-style API with tiny output windows gives the same bytes */
    uint8_t *got = malloc(ref_len + 64);
    if (got) {
        size_t windows[] = {1, 3, 64};
        for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
            size_t n = translate_windowed(s, CHAT_SSE, sizeof(CHAT_SSE) - 1, windows[w], got, ref_len + 64);
            CHECK(n == ref_len && memcmp(got, ref, ref_len) == 0);
            apx_stream_reset(s);
        }
        free(got);
    }
    /* invalid windows and operations */
    apx_in in = {NULL, 4, 0};
    uint8_t b[8];
    apx_out ow = {b, sizeof b, 0};
    CHECK(apx_stream_translate(s, &ow, &in, APX_STREAM_CONTINUE, NULL, &e) == APX_ERR_ARGUMENT);
    ow.pos = 9;
    CHECK(apx_stream_translate(s, &ow, NULL, APX_STREAM_CONTINUE, NULL, &e) == APX_ERR_ARGUMENT);
    ow.pos = 0;
    CHECK(apx_stream_translate(s, &ow, NULL, 3, NULL, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_stream_translate(s, NULL, NULL, APX_STREAM_CONTINUE, NULL, &e) == APX_ERR_ARGUMENT);

    /* fed byte by byte */
    size_t total = 0;
    int same = 1;
    for (size_t i = 0; i <= sizeof(CHAT_SSE) - 1; i++) {
        int end = i == sizeof(CHAT_SSE) - 1;
        CHECK(apx_stream_feed(s, (const uint8_t *)CHAT_SSE + i, end ? 0 : 1, end, &out, &e) == APX_OK);
        if (total + out.len > ref_len || (out.len && memcmp(out.data, ref + total, out.len) != 0)) same = 0;
        total += out.len;
        apx_output_free(&out);
    }
    CHECK(same && total == ref_len);

    /* an exchange may be freed once the stream exists */
    apx_output ro = {0};
    apx_exchange *ex = NULL;
    st = apx_request_translate(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT, S(ANTHROPIC_REQ), &ro, &ex, &e);
    if (st == APX_OK) {
        apx_output_free(&ro);
        apx_stream *s3 = NULL;
        CHECK(apx_stream_new(t, ex, APX_FORMAT_NONE, APX_FORMAT_NONE, &s3, &e) == APX_OK);
        apx_exchange_free(ex);
        CHECK(apx_stream_feed(s3, S(CHAT_SSE), 1, &out, &e) == APX_OK);
        CHECK(contains(out.data, out.len, "claude-sonnet-4-5"));
        apx_output_free(&out);
        apx_stream_free(s3);
    }
    free(ref);
    apx_stream_free(s);
}

/* Hostile sizes and numbers (issue 9): a size_t of 2^63 or more is not a length (Swift would see
 * it negative); windows with pos beyond size or near SIZE_MAX; any int32 status; usage counts at
 * the int64 limits. Every case is an APX_ERR_ARGUMENT or a clean answer, never a read or write
 * outside the caller's buffers (valgrind watches) and never a trap. */
static void test_hostile_sizes(apx_translator *t) {
    const size_t huge[] = {(size_t)1 << 63, SIZE_MAX, SIZE_MAX - 1};
    uint8_t *buf = malloc(16);
    if (!buf) return;
    memcpy(buf, "{\"model\":\"m\"}xx", 16);
    for (size_t k = 0; k < sizeof huge / sizeof huge[0]; k++) {
        size_t n = huge[k];
        apx_error e;
        apx_output out = {0};
        int64_t tokens = -7;
        apx_translator *tr = NULL;
        CHECK(apx_format_from_name(buf, n) == APX_FORMAT_NONE);
        CHECK(apx_translator_new(buf, n, &tr, &e) == APX_ERR_ARGUMENT && tr == NULL);
        CHECK(strstr(e.message, "not a valid length") != NULL);
        CHECK(apx_request_translate(t, 1, 2, buf, n, &out, NULL, &e) == APX_ERR_ARGUMENT && out.data == NULL);
        CHECK(strstr(e.message, "body_len") != NULL);
        CHECK(apx_response_translate(t, NULL, 2, 1, buf, n, &out, &e) == APX_ERR_ARGUMENT && out.data == NULL);
        CHECK(apx_error_translate(t, NULL, 2, 1, 500, buf, n, &out, &e) == APX_ERR_ARGUMENT && out.data == NULL);
        CHECK(apx_error_build(APX_FORMAT_ANTHROPIC, 500, buf, n, &out, &e) == APX_ERR_ARGUMENT && out.data == NULL);
        CHECK(apx_count_tokens(t, 1, buf, n, &tokens, &e) == APX_ERR_ARGUMENT && tokens == -7);
        apx_stream *s = NULL;
        if (apx_stream_new(t, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, &s, &e) != APX_OK) continue;
        CHECK(apx_stream_feed(s, buf, n, 0, &out, &e) == APX_ERR_ARGUMENT && out.data == NULL);

        uint8_t *dst = malloc(8);
        if (dst) {
            /* input windows: pos or size of 2^63 or more, pos > size */
            apx_in bad_in[] = {{buf, 4, n}, {buf, n, n - 1}, {buf, n, 0}, {buf, n, n}, {buf, 16, 17}};
            for (size_t i = 0; i < sizeof bad_in / sizeof bad_in[0]; i++) {
                apx_in in = bad_in[i];
                apx_out o = {dst, 8, 0};
                size_t pending = 12345;
                CHECK(apx_stream_translate(s, &o, &in, APX_STREAM_CONTINUE, &pending, &e) == APX_ERR_ARGUMENT);
                CHECK(in.pos == bad_in[i].pos && o.pos == 0 && pending == 12345);
            }
            /* output windows likewise */
            apx_out bad_out[] = {{dst, 8, n}, {dst, n, n - 1}, {dst, n, 0}, {dst, n, n}};
            for (size_t i = 0; i < sizeof bad_out / sizeof bad_out[0]; i++) {
                apx_out o = bad_out[i];
                CHECK(apx_stream_translate(s, &o, NULL, APX_STREAM_CONTINUE, NULL, &e) == APX_ERR_ARGUMENT);
                CHECK(o.pos == bad_out[i].pos);
            }
            /* the stream is still usable: argument errors do not touch it */
            apx_in in = {(const uint8_t *)CHAT_SSE, sizeof(CHAT_SSE) - 1, 0};
            apx_out o = {dst, 8, 0};
            size_t pending = 0;
            CHECK(apx_stream_translate(s, &o, &in, APX_STREAM_END, &pending, &e) == APX_OK);
            CHECK(in.pos == in.size && o.pos == 8 && pending > 0);
            free(dst);
        }
        apx_stream_free(s);
    }
    free(buf);

    /* any int32 status: the client gets an HTTP status */
    const int32_t statuses[] = {INT32_MIN, -1, 0, 200, 600, INT32_MAX};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        apx_error e;
        apx_output out = {0};
        for (apx_format f = 1; f <= 3; f++) {
            for (apx_format g = 1; g <= 3; g++) {
                CHECK(apx_error_translate(t, NULL, f, g, statuses[i], S("{\"error\":{\"message\":\"x\"}}"), &out, &e) == APX_OK);
                CHECK(out.http_status >= 100 && out.http_status <= 599);
                apx_output_free(&out);
            }
            CHECK(apx_error_build(f, statuses[i], S("m"), &out, &e) == APX_OK);
            CHECK(out.http_status >= 400 && out.http_status <= 599);
            apx_output_free(&out);
        }
    }

    /* the repro: Responses usage at the int64 limits */
    static const char RESP_MAX[] =
        "{\"id\":\"r\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\",\"output\":[],"
        "\"usage\":{\"input_tokens\":9223372036854775807,\"output_tokens\":9223372036854775807}}";
    static const char RESP_MIN[] =
        "{\"id\":\"r\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\",\"output\":[],"
        "\"usage\":{\"input_tokens\":-9223372036854775808,\"output_tokens\":1}}";
    for (apx_format to = 1; to <= 2; to++) {
        apx_error e;
        apx_output out = {0};
        CHECK(apx_response_translate(t, NULL, APX_FORMAT_OPENAI_RESPONSES, to, S(RESP_MAX), &out, &e) == APX_OK);
        CHECK(out.len > 0 && !contains(out.data, out.len, "9223372036854775807") && !contains(out.data, out.len, ":-"));
        apx_output_free(&out);
        CHECK(apx_response_translate(t, NULL, APX_FORMAT_OPENAI_RESPONSES, to, S(RESP_MIN), &out, &e) == APX_ERR_INVALID);
        CHECK(strcmp(e.path, "usage.input_tokens") == 0 && out.data == NULL);
    }

    /* warnings are joined with '\n': one warning quoting a client key with line breaks and an
       escape sequence stays one clean line */
    static const char EVIL_KEY[] =
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"a\\nb\\r\\u001b[31m\":1}";
    apx_error e;
    apx_output out = {0};
    CHECK(apx_request_translate(t, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, S(EVIL_KEY), &out, NULL, &e) == APX_OK);
    CHECK(out.warnings != NULL && strlen(out.warnings) == out.warnings_len);
    CHECK(out.warnings && !strchr(out.warnings, '\n') && !strchr(out.warnings, '\r') && !strchr(out.warnings, 0x1b));
    CHECK(out.warnings && strstr(out.warnings, "a\\nb\\r\\u001b[31m") != NULL);
    apx_output_free(&out);
}

struct worker { apx_translator *t; int bad; };

static void *work(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < 2000; i++) {
        apx_output out = {0};
        apx_exchange *ex = NULL;
        apx_error e;
        if (apx_request_translate(w->t, 1, 1, S(ANTHROPIC_REQ), &out, &ex, &e) != APX_OK ||
            !contains(out.data, out.len, "\"gpt-4o\"") || strcmp(apx_exchange_client_model(ex), "claude-sonnet-4-5") != 0)
            w->bad++;
        apx_output_free(&out);
        apx_exchange_free(ex);
    }
    return NULL;
}

/* apx_stream_fail: the client format's failure ending, queued as pending output, in any state. */
static void test_stream_fail(apx_translator *t) {
    apx_error e;
    apx_output out = {0};
    apx_stream *s = NULL;
    CHECK(apx_stream_fail(NULL, 502, S("x"), &e) == APX_ERR_ARGUMENT);
    if (apx_stream_new(t, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_OPENAI_RESPONSES, &s, &e) != APX_OK) { CHECK(0); return; }
    CHECK(apx_stream_fail(s, 502, NULL, 3, &e) == APX_ERR_ARGUMENT);
    /* mid-stream, drained through a 7-byte window */
    size_t half = sizeof(CHAT_SSE) / 2;
    CHECK(apx_stream_feed(s, (const uint8_t *)CHAT_SSE, half, 0, &out, &e) == APX_OK);
    apx_output_free(&out);
    CHECK(apx_stream_fail(s, 502, S("upstream broke"), &e) == APX_OK);
    char got[8192];
    size_t n = 0, pending = 1;
    while (pending && n + 7 <= sizeof got) {
        apx_out o = {(uint8_t *)got + n, 7, 0};
        CHECK(apx_stream_translate(s, &o, NULL, APX_STREAM_CONTINUE, &pending, &e) == APX_OK);
        n += o.pos;
    }
    CHECK(pending == 0 && contains((uint8_t *)got, n, "event: error\ndata: {\"type\":\"error\",\"sequence_number\":"));
    CHECK(contains((uint8_t *)got, n, "event: response.failed"));
    CHECK(contains((uint8_t *)got, n, "\"message\":\"upstream broke\""));
    /* ended: nothing more, input refused */
    CHECK(apx_stream_fail(s, 502, S("again"), &e) == APX_OK);
    CHECK(apx_stream_feed(s, NULL, 0, 0, &out, &e) == APX_OK && out.len == 0);
    apx_output_free(&out);
    CHECK(apx_stream_feed(s, S("data: {}\n\n"), 0, &out, &e) == APX_ERR_STATE);
    /* after a translation error (APX_ERR_STREAM), without a reset */
    apx_stream_reset(s);
    CHECK(apx_stream_feed(s, S("data: {not json\n\n"), 0, &out, &e) == APX_ERR_STREAM);
    CHECK(apx_stream_fail(s, 504, S("timed out"), &e) == APX_OK);
    CHECK(apx_stream_feed(s, NULL, 0, 0, &out, &e) == APX_OK);
    CHECK(contains(out.data, out.len, "event: response.created") && contains(out.data, out.len, "event: response.failed"));
    apx_output_free(&out);
    apx_stream_free(s);
    /* before any byte, Anthropic client: the error event alone */
    if (apx_stream_new(t, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, &s, &e) != APX_OK) { CHECK(0); return; }
    CHECK(apx_stream_fail(s, 429, S("slow down"), &e) == APX_OK);
    CHECK(apx_stream_feed(s, NULL, 0, 1, &out, &e) == APX_OK);
    CHECK(contains(out.data, out.len, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\""));
    apx_output_free(&out);
    apx_stream_free(s);
}

/* apx_request_model, apx_response_usage, apx_stream_usage: what a host needs without reading JSON. */
static void check_usage(const apx_usage *u, int64_t in, int64_t out, int64_t cr, int64_t cw, int64_t rs, const char *model) {
    CHECK(u->input_tokens == in && u->output_tokens == out);
    CHECK(u->cache_read_tokens == cr && u->cache_write_tokens == cw && u->reasoning_tokens == rs);
    CHECK(strcmp(u->model, model) == 0);
}

static void test_usage_and_model(apx_translator *t) {
    apx_output out = {0};
    apx_error e;
    apx_usage u;
    /* the model of a request */
    CHECK(apx_request_model(t, APX_FORMAT_ANTHROPIC, S(ANTHROPIC_REQ), &out, &e) == APX_OK);
    CHECK(out.len == strlen("claude-sonnet-4-5") && memcmp(out.data, "claude-sonnet-4-5", out.len) == 0);
    apx_output_free(&out);
    CHECK(apx_request_model(t, APX_FORMAT_OPENAI_CHAT, S("{\"messages\":[],\"model\":\"a\\\"b\"}"), &out, &e) == APX_OK);
    CHECK(out.len == 3 && memcmp(out.data, "a\"b", 3) == 0);
    apx_output_free(&out);
    CHECK(apx_request_model(t, APX_FORMAT_OPENAI_CHAT, S("{\"model\":\"\"}"), &out, &e) == APX_OK && out.len == 0 && out.data == NULL);
    CHECK(apx_request_model(t, APX_FORMAT_ANTHROPIC, S("{\"model\":\"m\", oops}"), &out, &e) == APX_ERR_JSON && e.offset == 14);
    CHECK(apx_request_model(t, APX_FORMAT_ANTHROPIC, S("{\"max_tokens\":1}"), &out, &e) == APX_ERR_INVALID && strcmp(e.path, "model") == 0);
    CHECK(apx_request_model(t, APX_FORMAT_ANTHROPIC, S("{\"model\":5}"), &out, &e) == APX_ERR_INVALID && strstr(e.message, "got a number"));
    CHECK(apx_request_model(t, APX_FORMAT_ANTHROPIC, S("[\"model\"]"), &out, &e) == APX_ERR_INVALID);
    CHECK(apx_request_model(t, APX_FORMAT_NONE, S("{\"model\":\"m\"}"), &out, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_request_model(t, APX_FORMAT_ANTHROPIC, S("{\"model\":\"m\"}"), NULL, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_request_model(NULL, APX_FORMAT_ANTHROPIC, S("{\"model\":\"m\"}"), &out, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_request_model(t, APX_FORMAT_ANTHROPIC, NULL, 4, &out, &e) == APX_ERR_ARGUMENT);
    CHECK(out.data == NULL && out.len == 0);

    /* one-shot responses, each format */
    CHECK(apx_response_usage(t, APX_FORMAT_OPENAI_CHAT, S(CHAT_RESP), &u, &e) == APX_OK);
    check_usage(&u, 5, 2, 0, 0, -1, "gpt-4o");
    CHECK(apx_response_usage(t, APX_FORMAT_ANTHROPIC, S("{\"type\":\"message\",\"model\":\"claude-x\",\"content\":[],"
        "\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":5,"
        "\"output_tokens\":7,\"output_tokens_details\":{\"thinking_tokens\":3}}}"), &u, &e) == APX_OK);
    check_usage(&u, 115, 7, 100, 5, 3, "claude-x");
    CHECK(apx_response_usage(t, APX_FORMAT_OPENAI_RESPONSES, S("{\"object\":\"response\",\"model\":\"gpt-5\",\"output\":[],"
        "\"usage\":{\"input_tokens\":20,\"input_tokens_details\":{\"cached_tokens\":4},\"output_tokens\":9,"
        "\"output_tokens_details\":{\"reasoning_tokens\":6}}}"), &u, &e) == APX_OK);
    check_usage(&u, 20, 9, 4, 0, 6, "gpt-5");
    CHECK(apx_response_usage(t, APX_FORMAT_OPENAI_CHAT, S("{\"choices\":[]}"), &u, &e) == APX_OK);
    check_usage(&u, -1, -1, -1, -1, -1, "");
    CHECK(apx_response_usage(t, APX_FORMAT_OPENAI_CHAT, S("{\"model\":\"m\",\"usage\":{\"prompt_tokens\":1e400,"
        "\"completion_tokens\":99999999999999999999}}"), &u, &e) == APX_OK);
    check_usage(&u, 281474976710656LL, 281474976710656LL, 0, 0, -1, "m");
    CHECK(apx_response_usage(t, APX_FORMAT_OPENAI_CHAT, S("{\"usage\":{\"prompt_tokens\":-1}}"), &u, &e) == APX_ERR_INVALID);
    CHECK(strcmp(e.path, "usage.prompt_tokens") == 0);
    CHECK(apx_response_usage(t, APX_FORMAT_OPENAI_CHAT, S("{\"usage\""), &u, &e) == APX_ERR_JSON);
    CHECK(apx_response_usage(t, APX_FORMAT_OPENAI_CHAT, S(CHAT_RESP), NULL, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_response_usage(t, 9, S(CHAT_RESP), &u, &e) == APX_ERR_ARGUMENT);

    /* streams: translated (fed one byte at a time), and a same-format passthrough */
    apx_stream *s = NULL;
    if (apx_stream_new(t, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC, &s, &e) != APX_OK) { CHECK(0); return; }
    CHECK(apx_stream_usage(s, &u, &e) == APX_OK);
    check_usage(&u, -1, -1, -1, -1, -1, "");
    for (size_t i = 0; i < sizeof(CHAT_SSE) - 1; i++) {
        CHECK(apx_stream_feed(s, (const uint8_t *)CHAT_SSE + i, 1, 0, &out, &e) == APX_OK);
        apx_output_free(&out);
    }
    CHECK(apx_stream_feed(s, NULL, 0, 1, &out, &e) == APX_OK);
    apx_output_free(&out);
    CHECK(apx_stream_usage(s, &u, &e) == APX_OK);
    check_usage(&u, 5, 2, 0, 0, -1, "gpt-4o");
    apx_stream_reset(s);
    CHECK(apx_stream_usage(s, &u, &e) == APX_OK);
    check_usage(&u, -1, -1, -1, -1, -1, "");
    apx_stream_free(s);
    CHECK(apx_stream_usage(NULL, &u, &e) == APX_ERR_ARGUMENT);

    if (apx_stream_new(t, NULL, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_OPENAI_CHAT, &s, &e) != APX_OK) { CHECK(0); return; }
    CHECK(apx_stream_usage(s, NULL, &e) == APX_ERR_ARGUMENT);
    CHECK(apx_stream_feed(s, S(CHAT_SSE), 1, &out, &e) == APX_OK);
    apx_output_free(&out);
    CHECK(apx_stream_usage(s, &u, &e) == APX_OK);
    check_usage(&u, 5, 2, 0, 0, -1, "gpt-4o");
    apx_stream_free(s);

    /* Anthropic upstream: message_start's input side, message_delta's cumulative figures */
    static const char ANT_SSE[] =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"type\":\"message\",\"role\":\"assistant\","
        "\"model\":\"claude-x\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":30,\"output_tokens\":1}}}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":8}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    for (apx_format to = APX_FORMAT_ANTHROPIC; to <= APX_FORMAT_OPENAI_RESPONSES; to++) {
        if (apx_stream_new(t, NULL, APX_FORMAT_ANTHROPIC, to, &s, &e) != APX_OK) { CHECK(0); return; }
        CHECK(apx_stream_feed(s, S(ANT_SSE), 1, &out, &e) == APX_OK);
        apx_output_free(&out);
        CHECK(apx_stream_usage(s, &u, &e) == APX_OK);
        check_usage(&u, 40, 8, 30, 0, -1, "claude-x");
        apx_stream_free(s);
    }
}

static void test_threads(apx_translator *t) {
    pthread_t th[4];
    struct worker w[4];
    for (int i = 0; i < 4; i++) { w[i].t = t; w[i].bad = 0; pthread_create(&th[i], NULL, work, &w[i]); }
    for (int i = 0; i < 4; i++) { pthread_join(th[i], NULL); CHECK(w[i].bad == 0); }
}

int main(void) {
    test_versions_statuses_formats();
    test_translator_new();
    apx_translator *t = make_translator();
    if (t) {
        test_requests(t);
        test_responses_and_errors(t);
        test_streams(t);
        test_hostile_sizes(t);
        test_stream_fail(t);
        test_usage_and_model(t);
        test_threads(t);
        apx_translator_free(t);
    }
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
