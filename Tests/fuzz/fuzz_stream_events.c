/*
 * Drives the stream state machines with sequences of well-formed upstream SSE events, so the
 * fuzzer explores event orders and values rather than JSON syntax. Input:
 *   [pair][flags][window][seed: 4] then per event: [template][framing][placeholder bytes...]
 * The upstream format (`from` of the pair) picks the template table; each template is an event
 * name and a JSON payload whose placeholders take values from the input:
 *   %N a number (small indexes mostly; hostile ones: 2^63-1, -2^63, 1e308, 2^64, -1, ...) or a
 *      value of the wrong type; %S a string (table or fuzz bytes, JSON-escaped); %I an id;
 *   %M a tool name; %J a piece of JSON text inside a string; %T a stop/finish/status word;
 *   %Q a string or null.
 */
#include "fuzz_stream_run.h"

typedef struct { const char *event; const char *data; } tmpl;

static const tmpl anthropic_events[] = {
    {"message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"%I\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"%S\","
                      "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":%N,\"output_tokens\":%N,"
                      "\"cache_read_input_tokens\":%N,\"cache_creation_input_tokens\":%N}}}"},
    {"content_block_start", "{\"type\":\"content_block_start\",\"index\":%N,\"content_block\":{\"type\":\"text\",\"text\":\"%S\"}}"},
    {"content_block_start", "{\"type\":\"content_block_start\",\"index\":%N,\"content_block\":{\"type\":\"tool_use\",\"id\":\"%I\",\"name\":\"%M\",\"input\":{}}}"},
    {"content_block_start", "{\"type\":\"content_block_start\",\"index\":%N,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"%S\",\"signature\":\"%S\"}}"},
    {"content_block_start", "{\"type\":\"content_block_start\",\"index\":%N,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"%S\"}}"},
    {"content_block_start", "{\"type\":\"content_block_start\",\"index\":%N,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"%I\",\"name\":\"web_search\",\"input\":{}}}"},
    {"content_block_start", "{\"type\":\"content_block_start\",\"index\":%N,\"content_block\":{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"%I\",\"content\":[]}}"},
    {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":%N,\"delta\":{\"type\":\"text_delta\",\"text\":\"%S\"}}"},
    {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":%N,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"%J\"}}"},
    {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":%N,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"%S\"}}"},
    {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":%N,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"%S\"}}"},
    {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":%N,\"delta\":{\"type\":\"citations_delta\",\"citation\":"
                            "{\"type\":\"web_search_result_location\",\"url\":\"%S\",\"title\":\"%S\",\"cited_text\":\"%S\"}}}"},
    {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":%N}"},
    {"message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"%T\",\"stop_sequence\":%Q},\"usage\":{\"output_tokens\":%N}}"},
    {"message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":%Q},\"usage\":{\"input_tokens\":%N,\"output_tokens\":%N,"
                      "\"cache_read_input_tokens\":%N,\"server_tool_use\":{\"web_search_requests\":%N}}}"},
    {"message_stop", "{\"type\":\"message_stop\"}"},
    {"ping", "{\"type\":\"ping\"}"},
    {"error", "{\"type\":\"error\",\"error\":{\"type\":\"%T\",\"message\":\"%S\"}}"},
};

static const tmpl chat_events[] = {
    {NULL, "{\"id\":\"%I\",\"object\":\"chat.completion.chunk\",\"created\":%N,\"model\":\"%S\",\"choices\":[{\"index\":%N,"
           "\"delta\":{\"role\":\"assistant\",\"content\":\"%S\"},\"finish_reason\":null}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{\"content\":\"%S\"}}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{\"reasoning_content\":\"%S\"}}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{\"reasoning\":\"%S\"}}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{\"refusal\":\"%S\"}}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{\"tool_calls\":[{\"index\":%N,\"id\":\"%I\",\"type\":\"function\","
           "\"function\":{\"name\":\"%M\",\"arguments\":\"%J\"}}]}}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{\"tool_calls\":[{\"index\":%N,\"function\":{\"arguments\":\"%J\"}}]}}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{\"tool_calls\":[{\"index\":%N,\"function\":{\"arguments\":\"%J\"}},"
           "{\"index\":%N,\"id\":\"%I\",\"function\":{\"name\":\"%M\",\"arguments\":\"%J\"}}]}}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{},\"finish_reason\":\"%T\"}]}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{\"content\":null},\"finish_reason\":%Q}],\"usage\":null}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[],\"usage\":{\"prompt_tokens\":%N,\"completion_tokens\":%N,\"total_tokens\":%N,"
           "\"prompt_tokens_details\":{\"cached_tokens\":%N},\"completion_tokens_details\":{\"reasoning_tokens\":%N}}}"},
    {NULL, "{\"id\":\"%I\",\"choices\":[{\"index\":%N,\"delta\":{},\"finish_reason\":\"%T\"}],\"usage\":{\"prompt_tokens\":%N,"
           "\"completion_tokens\":%N,\"prompt_cache_hit_tokens\":%N}}"},
    {NULL, "{\"error\":{\"message\":\"%S\",\"type\":\"%T\",\"code\":%N}}"},
    {NULL, "[DONE]"},
};

static const tmpl responses_events[] = {
    {"response.created", "{\"type\":\"response.created\",\"sequence_number\":%N,\"response\":{\"id\":\"%I\",\"object\":\"response\","
                         "\"created_at\":%N,\"status\":\"in_progress\",\"model\":\"%S\",\"output\":[]}}"},
    {"response.in_progress", "{\"type\":\"response.in_progress\",\"sequence_number\":%N,\"response\":{\"id\":\"%I\",\"status\":\"in_progress\"}}"},
    {"response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":%N,\"output_index\":%N,"
                                   "\"item\":{\"type\":\"message\",\"id\":\"%I\",\"role\":\"assistant\",\"status\":\"in_progress\",\"content\":[]}}"},
    {"response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":%N,\"output_index\":%N,"
                                   "\"item\":{\"type\":\"reasoning\",\"id\":\"%I\",\"summary\":[]}}"},
    {"response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":%N,\"output_index\":%N,"
                                   "\"item\":{\"type\":\"function_call\",\"id\":\"%I\",\"call_id\":\"%I\",\"name\":\"%M\",\"arguments\":\"%J\"}}"},
    {"response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":%N,\"output_index\":%N,"
                                   "\"item\":{\"type\":\"web_search_call\",\"id\":\"%I\",\"status\":\"in_progress\"}}"},
    {"response.content_part.added", "{\"type\":\"response.content_part.added\",\"sequence_number\":%N,\"item_id\":\"%I\",\"output_index\":%N,"
                                    "\"content_index\":%N,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}}"},
    {"response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":%N,\"item_id\":\"%I\",\"output_index\":%N,"
                                   "\"content_index\":%N,\"delta\":\"%S\"}"},
    {"response.output_text.done", "{\"type\":\"response.output_text.done\",\"sequence_number\":%N,\"item_id\":\"%I\",\"output_index\":%N,"
                                  "\"content_index\":%N,\"text\":\"%S\"}"},
    {"response.refusal.delta", "{\"type\":\"response.refusal.delta\",\"sequence_number\":%N,\"item_id\":\"%I\",\"output_index\":%N,"
                               "\"content_index\":%N,\"delta\":\"%S\"}"},
    {"response.refusal.done", "{\"type\":\"response.refusal.done\",\"sequence_number\":%N,\"item_id\":\"%I\",\"output_index\":%N,"
                              "\"content_index\":%N,\"refusal\":\"%S\"}"},
    {"response.reasoning_summary_part.added", "{\"type\":\"response.reasoning_summary_part.added\",\"sequence_number\":%N,\"item_id\":\"%I\","
                                              "\"output_index\":%N,\"summary_index\":%N,\"part\":{\"type\":\"summary_text\",\"text\":\"\"}}"},
    {"response.reasoning_summary_text.delta", "{\"type\":\"response.reasoning_summary_text.delta\",\"sequence_number\":%N,\"item_id\":\"%I\","
                                              "\"output_index\":%N,\"summary_index\":%N,\"delta\":\"%S\"}"},
    {"response.reasoning_summary_text.done", "{\"type\":\"response.reasoning_summary_text.done\",\"sequence_number\":%N,\"item_id\":\"%I\","
                                             "\"output_index\":%N,\"summary_index\":%N,\"text\":\"%S\"}"},
    {"response.reasoning_text.delta", "{\"type\":\"response.reasoning_text.delta\",\"sequence_number\":%N,\"item_id\":\"%I\","
                                      "\"output_index\":%N,\"content_index\":%N,\"delta\":\"%S\"}"},
    {"response.function_call_arguments.delta", "{\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":%N,\"item_id\":\"%I\","
                                               "\"output_index\":%N,\"delta\":\"%J\"}"},
    {"response.function_call_arguments.done", "{\"type\":\"response.function_call_arguments.done\",\"sequence_number\":%N,\"item_id\":\"%I\","
                                              "\"output_index\":%N,\"arguments\":\"%J\"}"},
    {"response.output_text.annotation.added", "{\"type\":\"response.output_text.annotation.added\",\"sequence_number\":%N,\"item_id\":\"%I\","
                                              "\"output_index\":%N,\"content_index\":%N,\"annotation_index\":%N,\"annotation\":{\"type\":\"url_citation\","
                                              "\"url\":\"%S\",\"title\":\"%S\",\"start_index\":%N,\"end_index\":%N}}"},
    {"response.output_item.done", "{\"type\":\"response.output_item.done\",\"sequence_number\":%N,\"output_index\":%N,\"item\":{\"type\":\"message\","
                                  "\"id\":\"%I\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":[{\"type\":\"output_text\",\"text\":\"%S\"},"
                                  "{\"type\":\"refusal\",\"refusal\":\"%S\"}]}}"},
    {"response.output_item.done", "{\"type\":\"response.output_item.done\",\"sequence_number\":%N,\"output_index\":%N,\"item\":{\"type\":\"function_call\","
                                  "\"id\":\"%I\",\"call_id\":\"%I\",\"name\":\"%M\",\"arguments\":\"%J\",\"status\":\"completed\"}}"},
    {"response.output_item.done", "{\"type\":\"response.output_item.done\",\"sequence_number\":%N,\"output_index\":%N,\"item\":{\"type\":\"reasoning\","
                                  "\"id\":\"%I\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"%S\"}],\"encrypted_content\":\"%S\"}}"},
    {"response.completed", "{\"type\":\"response.completed\",\"sequence_number\":%N,\"response\":{\"id\":\"%I\",\"status\":\"completed\",\"model\":\"%S\","
                           "\"output\":[],\"usage\":{\"input_tokens\":%N,\"output_tokens\":%N,\"total_tokens\":%N,\"input_tokens_details\":"
                           "{\"cached_tokens\":%N},\"output_tokens_details\":{\"reasoning_tokens\":%N}}}}"},
    {"response.incomplete", "{\"type\":\"response.incomplete\",\"sequence_number\":%N,\"response\":{\"id\":\"%I\",\"status\":\"incomplete\","
                            "\"incomplete_details\":{\"reason\":\"%T\"},\"usage\":{\"input_tokens\":%N,\"output_tokens\":%N}}}"},
    {"response.failed", "{\"type\":\"response.failed\",\"sequence_number\":%N,\"response\":{\"id\":\"%I\",\"status\":\"failed\","
                        "\"error\":{\"code\":\"%T\",\"message\":\"%S\"}}}"},
    {"response.cancelled", "{\"type\":\"response.cancelled\",\"sequence_number\":%N,\"response\":{\"id\":\"%I\",\"status\":\"cancelled\"}}"},
    {"error", "{\"type\":\"error\",\"sequence_number\":%N,\"code\":\"%T\",\"message\":\"%S\",\"param\":%Q}"},
};

/* Numbers: index-like ones most of the time, else the hostile table, else the wrong type. */
static const char *const hostile_numbers[] = {
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551615",
    "-1", "2147483647", "2147483648", "-2147483649", "4294967296", "1e308", "-1e308", "1e19", "1.5",
    "-0", "0.0", "1E400", "99999999999999999999999999999", "4611686018427387904", "999999999999999999",
    "\"3\"", "null", "true", "{}", "[]",
};
static const char *const strings[] = {"", "hi", "\\u00e9\\u4e2d", "a\\nb", "\\\"", "\\u0000", "\\ud83d\\ude00", "\\ud800", "data: x\\n\\n"};
static const char *const ids[] = {"a", "b", "call_1", "", "msg_1", "fc_1", "rs_1"};
static const char *const names[] = {"get", "a_really_long_tool_name_that_goes_past_the_sixty_four_character_limit_of_openai",
                                    "", "web_search", "Get", "a.b", "patch", "ns__f", "ns__c"};
static const char *const json_pieces[] = {"{", "}", "\\\"a\\\"", ":", "1", "[", "]", ",", "{\\\"a\\\":1}", "", "null", "\\\"\\\\u00",
                                         "{\\\"input\\\":\\\"", "\\\\ud83d", "\\\\ude00", "\\\\", "\\n"};
static const char *const words[] = {"end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "stop",
                                    "length", "tool_calls", "content_filter", "function_call", "max_output_tokens",
                                    "completed", "incomplete", "failed", "cancelled", "model_context_window_exceeded",
                                    "overloaded_error", "rate_limit_exceeded", "server_error", "invalid_request_error", ""};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A JSON string body from fuzz bytes (valid UTF-8: bytes >= 0x80 and controls are \u escapes). */
static void put_fuzz_string(fz_buf *b, fz_reader *r) {
    const uint8_t *p;
    size_t n = fz_take(r, fz_u8(r) % 64, &p);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        char esc[8];
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; fz_buf_add(b, (const uint8_t *)esc, 2); }
        else if (c < 0x20 || c >= 0x80) { snprintf(esc, sizeof esc, "\\u%04x", c); fz_buf_add(b, (const uint8_t *)esc, 6); }
        else fz_buf_add(b, &c, 1);
    }
}

static void put_str(fz_buf *b, const char *s) { fz_buf_add(b, (const uint8_t *)s, strlen(s)); }

static void put_from(fz_buf *b, fz_reader *r, const char *const *table, size_t count) {
    uint8_t k = fz_u8(r);
    if (k % (count + 1) == count) put_fuzz_string(b, r);
    else put_str(b, table[k % (count + 1)]);
}

static void put_number(fz_buf *b, fz_reader *r) {
    uint8_t k = fz_u8(r);
    char num[32];
    if (k < 160) { snprintf(num, sizeof num, "%u", k % 8); put_str(b, num); }
    else if (k < 200) { snprintf(num, sizeof num, "%u", fz_u32(r)); put_str(b, num); }
    else put_str(b, hostile_numbers[(k - 200) % COUNT(hostile_numbers)]);
}

static void put_event(fz_buf *b, fz_reader *r, const tmpl *t, uint8_t framing) {
    const char *nl = (framing & 1) ? "\r\n" : "\n";
    if (framing & 2) { put_str(b, ": keep-alive"); put_str(b, nl); }
    if (t->event && !(framing & 4)) { put_str(b, "event: "); put_str(b, t->event); put_str(b, nl); }
    if (framing & 8) { put_str(b, "id: 7"); put_str(b, nl); }
    put_str(b, (framing & 16) ? "data:" : "data: ");
    for (const char *s = t->data; *s; s++) {
        if (*s != '%') { fz_buf_add(b, (const uint8_t *)s, 1); continue; }
        switch (*++s) {
        case 'N': put_number(b, r); break;
        case 'S': put_from(b, r, strings, COUNT(strings)); break;
        case 'I': put_from(b, r, ids, COUNT(ids)); break;
        case 'M': put_from(b, r, names, COUNT(names)); break;
        case 'J': { uint8_t k = 1 + fz_u8(r) % 4; while (k--) put_from(b, r, json_pieces, COUNT(json_pieces)); break; }
        case 'T': put_from(b, r, words, COUNT(words)); break;
        case 'Q': if (fz_u8(r) & 1) put_str(b, "null"); else { put_str(b, "\""); put_from(b, r, strings, COUNT(strings)); put_str(b, "\""); } break;
        default: abort();
        }
    }
    put_str(b, nl);
    put_str(b, nl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_reader r = {data, size};
    apx_format from, to;
    fz_pair(fz_u8(&r), &from, &to);
    uint8_t flags = fz_u8(&r);
    uint8_t window = fz_u8(&r);
    uint32_t seed = fz_u32(&r);

    const tmpl *table;
    size_t count;
    if (from == APX_FORMAT_ANTHROPIC) { table = anthropic_events; count = COUNT(anthropic_events); }
    else if (from == APX_FORMAT_OPENAI_CHAT) { table = chat_events; count = COUNT(chat_events); }
    else { table = responses_events; count = COUNT(responses_events); }

    fz_buf sse = {0};
    for (int i = 0; r.n > 0 && i < 400; i++) {
        uint8_t k = fz_u8(&r);
        uint8_t framing = fz_u8(&r);
        put_event(&sse, &r, &table[k % count], framing & 0x80 ? framing : 0);
    }

    static int dump = -1;
    if (dump < 0) dump = getenv("FZ_DUMP") != NULL;
    if (dump) fwrite(sse.p, 1, sse.n, stderr); /* FZ_DUMP=1: show the events built from the input */

    fz_stream_plan pl = {0};
    pl.t = fz_translator(flags & 3);
    pl.x = (flags & 4) ? fz_exchange(from, to, (flags >> 3) & 1) : NULL;
    pl.from = from;
    pl.to = to;
    pl.formats_none = pl.x != NULL;
    pl.seed = seed | 1;
    pl.max_window = window < 64 ? 1 + window % 8 : 1 + (unsigned)window * 16;
    pl.max_piece = (flags & 64) ? 4096 : 1 + (window >> 4);
    pl.reset_at = -1;
    pl.fail_at = (flags & 128) ? (int)((seed >> 8) % 16) : -1; /* the host gives up mid-stream */
    fz_stream_run(&pl, sse.p, sse.n);
    free(sse.p);
    return 0;
}
