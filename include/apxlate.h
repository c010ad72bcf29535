/*
 * apxlate.h — translate between the Anthropic Messages API and OpenAI-compatible APIs
 * (Chat Completions and Responses): requests, responses, errors and SSE streams, in-process.
 *
 * Conventions
 * -----------
 * - Every symbol starts with `apx_`; constants with `APX_`. Functions are `apx_<object>_<verb>`.
 *   Opaque handles have `_new` / `_free`; every `_free(NULL)` is a no-op.
 * - Inputs are `(const uint8_t *ptr, size_t len)` pairs; `ptr` may be NULL when `len` is 0.
 * - Every fallible function returns an `apx_status` (APX_OK is 0) and, when the caller passes a
 *   non-NULL `apx_error *`, fills it with the code, a message, and where the problem is: a JSON
 *   path (`messages[3].content[1]`) and/or a byte offset into the input. There is no thread-local
 *   "last error".
 * - Out-parameters are written only on success. Library-allocated outputs (`apx_output`) are
 *   released with `apx_output_free`, never with the caller's `free`.
 * - Thread safety: the library has no global mutable state and needs no init call. An
 *   `apx_translator` is immutable once built and may be shared by any number of threads. An
 *   `apx_exchange` is immutable too (shareable). An `apx_stream` is used by one thread at a time;
 *   it may move between threads.
 * - The library never aborts the process, whatever bytes it is given: bad input is an error.
 * - Status codes are pinned: a code's number never changes; new codes may be added.
 *
 * Formats: APX_FORMAT_ANTHROPIC (Messages API), APX_FORMAT_OPENAI_CHAT (Chat Completions),
 * APX_FORMAT_OPENAI_RESPONSES (Responses API). "from" is the format of the bytes given, "to" the
 * format wanted. For a request, from = the client's format and to = the upstream's; for the
 * response, stream and errors of that request it is the other way round.
 */
#ifndef APXLATE_H
#define APXLATE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ------------------------------------------------------------------------------ */

#define APX_VERSION_MAJOR 0
#define APX_VERSION_MINOR 1
#define APX_VERSION_PATCH 0
#define APX_VERSION_STRING "0.1.0"
/* Bumped on any incompatible change of this header. Bindings compare it with apx_abi_version(). */
#define APX_ABI_VERSION 1

/* The library's version, e.g. "0.1.0" (static storage). */
const char *apx_version_string(void);
/* The ABI version the library was built with; must equal APX_ABI_VERSION. */
uint32_t apx_abi_version(void);

/* ---- Status codes (pinned forever) ----------------------------------------------------------- */

typedef int32_t apx_status;
#define APX_OK                  0
#define APX_ERR_ARGUMENT        1  /* a NULL handle/pointer, an unknown format, a bad operation */
#define APX_ERR_JSON            2  /* input is not valid JSON (RFC 8259, UTF-8); offset is set */
#define APX_ERR_INVALID         3  /* valid JSON but not a valid document of the format; path is set */
#define APX_ERR_UNSUPPORTED     4  /* the input says something the target format cannot express */
#define APX_ERR_CONFIG          5  /* the translator configuration is invalid; path is set */
#define APX_ERR_LIMIT           6  /* nesting depth or size limit exceeded */
#define APX_ERR_STREAM          7  /* malformed stream (bad SSE or event sequence) */
#define APX_ERR_STATE           8  /* stream used after an error or after END without reset */
#define APX_ERR_NOMEM           9  /* allocation failed */
#define APX_ERR_INTERNAL        10 /* a bug in apxlate: please report it */

/* A short static description of a status code ("ok", "invalid JSON", ...). Never NULL. */
const char *apx_status_str(apx_status code);

/* ---- Errors ---------------------------------------------------------------------------------- */

/* Caller-owned error details. Zero it (or not: every field is written on failure). */
typedef struct apx_error {
    apx_status code;
    /* Byte offset into the input where the problem was found, or -1. */
    int64_t offset;
    /* NUL-terminated UTF-8, truncated to fit. */
    char message[512];
    /* JSON path of the offending value, e.g. "messages[3].content[1]"; "" when not applicable. */
    char path[256];
} apx_error;

/* ---- Formats --------------------------------------------------------------------------------- */

typedef int32_t apx_format;
#define APX_FORMAT_NONE             0 /* "take it from the exchange" where an exchange is given */
#define APX_FORMAT_ANTHROPIC        1 /* "anthropic" */
#define APX_FORMAT_OPENAI_CHAT      2 /* "openai-chat" */
#define APX_FORMAT_OPENAI_RESPONSES 3 /* "openai-responses" */

/* The format named `name` ("anthropic", "openai-chat", "openai-responses"), or APX_FORMAT_NONE. */
apx_format apx_format_from_name(const uint8_t *name, size_t name_len);
/* The name of a format (static storage), or "" for an unknown value. */
const char *apx_format_name(apx_format format);

/* ---- Outputs --------------------------------------------------------------------------------- */

/* A library-allocated result. Release it with apx_output_free (which zeroes it). */
typedef struct apx_output {
    uint8_t *data;      /* the translated document (not NUL-terminated); NULL when len is 0 */
    size_t len;
    char *warnings;     /* what was dropped or approximated: UTF-8 lines, each "path: message",
                           joined by '\n'; NULL when there are none */
    size_t warnings_len;
    int32_t http_status;/* for error translation, and for a response that reports a failed
                           generation (Responses status "failed"): the HTTP status for the client,
                           with `data` its error body; else 0 */
} apx_output;

void apx_output_free(apx_output *output);

/* ---- Translator ------------------------------------------------------------------------------ */

typedef struct apx_translator apx_translator;

/*
 * Build a translator from a JSON configuration document (an empty input or "{}" gives the
 * defaults). Keys, all optional:
 *   "models": {
 *     "map":     {"<client model>": "<upstream model>", ...}  exact names first,
 *     "big":     "<upstream model>"   for names containing "opus" or "sonnet",
 *     "middle":  "<upstream model>"   for "sonnet" when set (then "big" takes "opus" only),
 *     "small":   "<upstream model>"   for names containing "haiku",
 *     "default": "<upstream model>"   otherwise; without it the name passes unchanged
 *   },
 *   "upstream": {                     quirks of the upstream this translator sends to
 *     "max_tokens_field": "max_tokens" | "max_completion_tokens"   (default "max_completion_tokens")
 *     "max_tokens_cap": <int>          clamp max tokens sent upstream
 *     "default_max_tokens": <int>      max_tokens toward Anthropic when the client gave none (4096)
 *     "reasoning_field": "reasoning_content" | "reasoning" | "none"  where the upstream puts
 *                                      reasoning text in Chat messages (default "reasoning_content")
 *     "reasoning_effort": true|false   whether the upstream takes reasoning_effort (default false)
 *     "replay_reasoning": true|false   resend earlier thinking as reasoning text (default true)
 *     "send_user": true|false          map metadata.user_id <-> user (default true)
 *     "stream_usage": true|false       ask an OpenAI upstream for usage in streams (default true)
 *     "strip_billing_header": true|false drop Claude Code's per-session billing line (default true)
 *     "builtin_tools": "error" | "drop"  vendor built-in tools the target cannot express (Responses
 *                                      web_search, file_search, ...): reject, or drop with a warning
 *                                      (default "drop")
 *     "responses_reasoning": true|false  an openai-responses upstream takes `reasoning` and
 *                                      `include: ["reasoning.encrypted_content"]` (default true;
 *                                      false for non-reasoning models, which reject both)
 *     "thinking_toggle": true|false    send DeepSeek's `thinking: {"type": "enabled"|"disabled"}`
 *                                      with Chat requests that set thinking (default false)
 *   },
 *   "client": {
 *     "reasoning_field": "reasoning_content" | "reasoning" | "none"  how Chat clients get reasoning
 *   },
 *   "limits": {
 *     "max_body_bytes": <int>          the largest one-shot body and the largest data of one
 *                                      stream event (default 67108864 = 64 MiB; 1 to 2147483648)
 *   }
 *
 * Limits (each is APX_ERR_LIMIT with a message saying which, and `offset` where it applies):
 *   - JSON nesting: 512 levels of objects/arrays (fixed), in bodies, stream event data, tool
 *     arguments and the configuration; offset = the first bracket too deep. Parsing is iterative:
 *     a call needs about 24 KB of stack whatever the input (it runs on 128 KiB threads).
 *   - limits.max_body_bytes: apx_request_translate, apx_response_translate and apx_count_tokens
 *     refuse a larger body before copying it (offset = the limit). apx_error_translate does not
 *     parse a larger error body: the client gets the generic message for the status.
 *   - limits.max_body_bytes per stream event: the data of one SSE event (all its `data:` lines)
 *     larger than the limit; offset = the line that passes it. One SSE line longer than the
 *     limit + 64 bytes (an upstream that never ends a line): offset = the line's start.
 *   - Streams: more than 4096 tool calls from a Chat upstream, more than 4096 output items from a
 *     Responses upstream (offset = the event adding one too many).
 *   - A JSON text of 4 GiB or more (internal: 32-bit offsets), whatever the configuration.
 * Memory: a one-shot translation peaks at about 2x the body for a body of one large string (the
 * library's copy of the input, then the decoded text and the output) and at 5-9x for a body of
 * millions of tiny values (the parse tape and the decoded model); see README "Configuration".
 */
apx_status apx_translator_new(const uint8_t *config, size_t config_len,
                              apx_translator **out, apx_error *error);
void apx_translator_free(apx_translator *translator);

/* ---- Exchange: what a request's response, stream and errors need ----------------------------- */

typedef struct apx_exchange apx_exchange;

void apx_exchange_free(apx_exchange *exchange);
/* Formats of the exchange: the client's (from of the request) and the upstream's (to). */
apx_format apx_exchange_client_format(const apx_exchange *exchange);
apx_format apx_exchange_upstream_format(const apx_exchange *exchange);
/* 1 when the client asked for a stream, else 0. */
int32_t apx_exchange_stream(const apx_exchange *exchange);
/* The model name the client asked for / the one sent upstream. NUL-terminated, owned by the
   exchange, valid until apx_exchange_free. */
const char *apx_exchange_client_model(const apx_exchange *exchange);
const char *apx_exchange_upstream_model(const apx_exchange *exchange);
/* Estimated input tokens of the request (the same estimate as apx_count_tokens). */
int64_t apx_exchange_input_tokens(const apx_exchange *exchange);

/* ---- One-shot translation -------------------------------------------------------------------- */

/*
 * Translate a request body. On success writes `output` and, when `exchange` is not NULL, a new
 * exchange to be released with apx_exchange_free. from == to is a passthrough with model mapping
 * only: every other byte is kept.
 */
apx_status apx_request_translate(const apx_translator *translator, apx_format from, apx_format to,
                                 const uint8_t *body, size_t body_len,
                                 apx_output *output, apx_exchange **exchange, apx_error *error);

/*
 * Translate a non-streaming response body. With an exchange, `from`/`to` may be APX_FORMAT_NONE
 * (taken from the exchange: from = upstream, to = client); the client's model name and the
 * tool-name map are restored. Without one, both formats are required. When the upstream body
 * reports a failed generation (Responses `status:"failed"` or `"cancelled"`), `output` holds the
 * client's error body and `output->http_status` is nonzero: send that status.
 */
apx_status apx_response_translate(const apx_translator *translator, const apx_exchange *exchange,
                                  apx_format from, apx_format to,
                                  const uint8_t *body, size_t body_len,
                                  apx_output *output, apx_error *error);

/*
 * Translate an upstream error (HTTP status + body; the body may be anything, even empty or not
 * JSON) into the client's error body; `output->http_status` is the status for the client.
 * Formats as for apx_response_translate.
 */
apx_status apx_error_translate(const apx_translator *translator, const apx_exchange *exchange,
                               apx_format from, apx_format to, int32_t http_status,
                               const uint8_t *body, size_t body_len,
                               apx_output *output, apx_error *error);

/*
 * Build an error body in `format` for a failure that happened outside any upstream (the proxy's
 * own 400/401/413/502/504, ...). `message` is UTF-8. `output->http_status` is `http_status`.
 */
apx_status apx_error_build(apx_format format, int32_t http_status,
                           const uint8_t *message, size_t message_len,
                           apx_output *output, apx_error *error);

/* A local estimate of the input tokens of a request in `format` (about 4 bytes a token). */
apx_status apx_count_tokens(const apx_translator *translator, apx_format format,
                            const uint8_t *body, size_t body_len,
                            int64_t *tokens, apx_error *error);

/* ---- What a host needs without reading JSON: the model of a request, the usage of an answer -- */

/*
 * The `model` of a request body in `format`, to choose a route (and so a translator) before
 * translating. On success `output->data` holds the name's UTF-8 bytes (not NUL-terminated; NULL
 * when the name is ""), `output->len` its length; release it with apx_output_free. It parses
 * the whole body, so a body that is not JSON gets the same error as apx_request_translate
 * (APX_ERR_JSON with the offset); APX_ERR_INVALID when the body is not an object or `model` is
 * missing or not a string (path "model"); APX_ERR_LIMIT as for apx_request_translate.
 */
apx_status apx_request_model(const apx_translator *translator, apx_format format,
                             const uint8_t *body, size_t body_len,
                             apx_output *output, apx_error *error);

/*
 * Token usage and model name as the upstream reported them, for metering and logs. Counts are
 * the upstream's figures read as a translation reads them (saturated at 2^48); when the upstream
 * reported a usage object, a count it left out is 0, except reasoning_tokens, which stays -1
 * unless given. When it reported no usage at all, every count is -1.
 */
typedef struct apx_usage {
    int64_t input_tokens;       /* the whole prompt, cached tokens included: OpenAI's
                                   prompt_tokens / input_tokens; Anthropic's input_tokens +
                                   cache_read_input_tokens + cache_creation_input_tokens */
    int64_t output_tokens;      /* reasoning included */
    int64_t cache_read_tokens;  /* prompt tokens read from the cache */
    int64_t cache_write_tokens; /* prompt tokens written to the cache (Anthropic cache_creation) */
    int64_t reasoning_tokens;   /* the reasoning (thinking) part of output_tokens */
    char model[256];            /* the model the upstream named in its answer (NUL-terminated
                                   UTF-8, truncated to fit); "" when it named none */
} apx_usage;

/*
 * The usage and model of a one-shot response body in `format` (give the upstream's body and
 * format, as received: apx_response_translate does not keep them). Parses the body once more;
 * the caller's `usage` is written on success. Errors: APX_ERR_JSON, APX_ERR_INVALID (not an
 * object, or a count that is negative or not a number: path set), APX_ERR_LIMIT.
 */
apx_status apx_response_usage(const apx_translator *translator, apx_format format,
                              const uint8_t *body, size_t body_len,
                              apx_usage *usage, apx_error *error);

/* ---- Streaming ------------------------------------------------------------------------------- */

typedef struct apx_stream apx_stream;

/* Input and output windows, as in zstd: the library reads src[pos..size) and advances pos; it
   writes dst[pos..size) and advances pos. */
typedef struct apx_in  { const uint8_t *src; size_t size; size_t pos; } apx_in;
typedef struct apx_out { uint8_t *dst; size_t size; size_t pos; } apx_out;

typedef int32_t apx_stream_op;
#define APX_STREAM_CONTINUE 0 /* consume input; write whatever is complete */
#define APX_STREAM_FLUSH    1 /* as CONTINUE; an incomplete event stays buffered */
#define APX_STREAM_END      2 /* the upstream stream ended: close the client stream well-formed */

/*
 * A stream translator from upstream SSE (`from`) to client SSE (`to`). With an exchange the
 * formats may be APX_FORMAT_NONE; the exchange's data is copied, so it may be freed afterwards.
 */
apx_status apx_stream_new(const apx_translator *translator, const apx_exchange *exchange,
                          apx_format from, apx_format to, apx_stream **out, apx_error *error);
void apx_stream_free(apx_stream *stream);
/* Back to the state right after apx_stream_new (also clears an error). */
void apx_stream_reset(apx_stream *stream);

/*
 * Feed upstream bytes and collect client bytes. Input may be split anywhere (mid-line, mid-UTF-8
 * sequence). A full output buffer is not an error: `*pending` (when not NULL) receives the number
 * of translated bytes still waiting; call again (with the same or more input) to drain them.
 * With APX_STREAM_END every input byte must be consumed first; the call returns APX_OK with
 * *pending == 0 once the client stream is complete. After an error the stream must be reset.
 * Memory: a stream holds the incomplete line and event (bounded by limits.max_body_bytes) and the
 * pending output. Input is always consumed whole, so pending output grows with every input fed
 * while the output is not drained (an SSE comment of 2 bytes becomes a keep-alive of up to 40):
 * drain (call again without new input) until *pending is 0 before feeding more.
 */
apx_status apx_stream_translate(apx_stream *stream, apx_out *output, apx_in *input,
                                apx_stream_op op, size_t *pending, apx_error *error);

/*
 * Convenience: feed all of `data` (and end the stream when `end` is nonzero) and receive every
 * client byte produced so far in a library-allocated `output` (warnings as in apx_output).
 */
apx_status apx_stream_feed(apx_stream *stream, const uint8_t *data, size_t data_len, int32_t end,
                           apx_output *output, apx_error *error);

/*
 * End the client stream with a failure, in the client's format, when the host gives up on the
 * upstream (it broke, timed out, or sent what apx_stream_translate rejected): the ending is
 * queued as pending output, after any bytes still pending; drain it as usual (apx_stream_translate
 * with no input, or apx_stream_feed with no data). `message` is UTF-8; `http_status` chooses the
 * error kind as in apx_error_build (502 upstream unreachable or broken, 504 timeout, ...).
 *   Anthropic: `event: error` with the error body (open blocks are not closed: SDKs raise on it);
 *   Chat:      a `data: {"error":{...}}` chunk, no `[DONE]` (the openai SDK raises on it);
 *   Responses: an `error` event (type, code, message, param, sequence_number), then
 *              `response.failed` with the response (status "failed", the error), sequence
 *              numbers continuing the stream's; a translated stream closes its open items
 *              first (a same-format passthrough repeats the upstream's response id and model).
 * Same format on both sides, a stream must reach its format's last event (message_stop, [DONE]
 * or a finished Chat chunk, response.completed...): ending before it is APX_ERR_STREAM.
 * Works in any state: before any byte (then the opening events come first where the format
 * needs them: Responses `response.created`), mid-stream (an incomplete upstream event is
 * dropped, never half-sent), and after an error (APX_ERR_STREAM ...) without a reset. A stream
 * that already ended (END done, or failed this way) gets nothing more. Afterwards the stream
 * only drains; apx_stream_reset makes it new. Errors: APX_ERR_ARGUMENT (NULL stream, or NULL
 * message with a nonzero length).
 */
apx_status apx_stream_fail(apx_stream *stream, int32_t http_status,
                           const uint8_t *message, size_t message_len, apx_error *error);

/*
 * The usage and model the upstream has reported on this stream so far, read from the upstream
 * events as they are translated (for a same-format passthrough too; only events that can carry
 * them are parsed): Anthropic `message_start` and `message_delta` (cumulative), the Chat usage
 * chunk and the first chunk's model, Responses `response.*` events (usage from the closing
 * `response.completed` / `incomplete` / `failed`). Complete once the stream has ended; counts
 * are -1 while nothing was reported (an upstream that never reports usage: the Anthropic client
 * got estimates, see apx_stream_translate's warnings, but these stay -1). Usage is kept after an
 * error and after apx_stream_fail; apx_stream_reset clears it. `usage` is written on success;
 * errors: APX_ERR_ARGUMENT (NULL stream or usage). Does not change the stream.
 */
apx_status apx_stream_usage(const apx_stream *stream, apx_usage *usage, apx_error *error);

#ifdef __cplusplus
}
#endif

#endif /* APXLATE_H */
