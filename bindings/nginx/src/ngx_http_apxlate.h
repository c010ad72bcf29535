/*
 * ngx_http_apxlate: turns a proxy_pass location into a translating proxy between the Anthropic
 * Messages API and OpenAI-compatible APIs, in-process, through libapxlate's C ABI.
 *
 *   request:  PRECONTENT phase reads the client body, translates it, replaces it (Content-Length
 *             follows) before proxy_pass sends it upstream          (ngx_http_apxlate_request.c)
 *   response: header + body filters: JSON translated whole, SSE translated chunk by chunk as it
 *             passes, upstream errors (>= 400) rewritten as client-format errors
 *                                                                    (ngx_http_apxlate_filter.c)
 * Library objects live in the request pool (freed by pool cleanups); the translator lives in the
 * configuration pool, shared by every request of every worker (it is immutable).
 */
#ifndef NGX_HTTP_APXLATE_H
#define NGX_HTTP_APXLATE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <apxlate.h>

/* A buffered upstream body (JSON response or error) larger than this is refused (502). */
#define NGX_HTTP_APXLATE_MAX_BUFFERED  (64 * 1024 * 1024)
/* Size of the output buffers of the SSE translation (recycled as the client takes them). */
#define NGX_HTTP_APXLATE_OUT_SIZE      8192
/* At most this many output buffers wait for a slow client before upstream input waits too. */
#define NGX_HTTP_APXLATE_MAX_BUSY      32
/*
 * What an `apxlate on` location gets where nginx's own defaults are left (client_max_body_size 1m,
 * client_body_buffer_size 8k/16k): Claude Code sends every request above 16 KB and late-session
 * requests above 1 MB. Bodies up to the buffer size stay in memory (nginx allocates only the
 * announced length); the limit is the `apxlate serve` default.
 */
#define NGX_HTTP_APXLATE_MAX_BODY      (32 * 1024 * 1024)
#define NGX_HTTP_APXLATE_BODY_BUFFER   (4 * 1024 * 1024)

typedef struct {
    ngx_flag_t              enable;
    apx_format              from;        /* the client's format */
    apx_format              to;          /* the upstream's format */
    ngx_flag_t              count_tokens; /* apxlate_count_tokens: answer count_tokens here */
    ngx_str_t               config_path;
    apx_translator         *translator;  /* owned by the cf->pool where it was made */
} ngx_http_apxlate_loc_conf_t;

typedef enum {
    NGX_HTTP_APXLATE_PASS = 0,   /* not translated (no exchange, our own response, ...) */
    NGX_HTTP_APXLATE_WHOLE,      /* JSON response: buffer, translate at the end */
    NGX_HTTP_APXLATE_ERROR,      /* upstream error: buffer, translate as an error at the end */
    NGX_HTTP_APXLATE_STREAM,     /* SSE: translate as it passes */
    NGX_HTTP_APXLATE_REPLACE,    /* nginx's own error page: replaced by ctx->acc (client format) */
    NGX_HTTP_APXLATE_DONE        /* everything sent; later input is discarded */
} ngx_http_apxlate_mode_e;

typedef struct {
    ngx_int_t               status;      /* what the PRECONTENT handler returns once the body is done */
    ngx_http_apxlate_mode_e mode;
    apx_exchange           *exchange;    /* freed by a pool cleanup */
    apx_stream             *stream;      /* freed by a pool cleanup */
    ngx_str_t               failure;     /* why the response cannot be translated (sent as a 502) */
    unsigned                header_seen:1;
    unsigned                local:1;     /* a response this module made itself */
    unsigned                upstream_broke:1; /* the upstream connection broke before the end */

    /* WHOLE / ERROR: the upstream body so far (pool memory) */
    u_char                 *acc;
    size_t                  acc_len;
    size_t                  acc_cap;
    ngx_int_t               upstream_status;

    /* STREAM: upstream input not yet translated; output buffers recycled as in the gzip filter */
    ngx_chain_t            *in;
    ngx_chain_t            *free;
    ngx_chain_t            *busy;
} ngx_http_apxlate_ctx_t;

extern ngx_module_t  ngx_http_apxlate_module;

ngx_int_t ngx_http_apxlate_precontent_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_apxlate_tokens_handler(ngx_http_request_t *r);
/* The whole client body as one contiguous pool buffer (memory and temp-file buffers alike). */
ngx_int_t ngx_http_apxlate_body_bytes(ngx_http_request_t *r, ngx_str_t *body);
ngx_int_t ngx_http_apxlate_filter_init(ngx_conf_t *cf);

/* The client-format error body for a failure of this proxy (or of the library). */
ngx_int_t ngx_http_apxlate_build_error(ngx_http_request_t *r, apx_format format,
    ngx_int_t status, const char *message, size_t message_len, ngx_str_t *body,
    ngx_int_t *out_status);
/* Copies a library output into the request pool and frees it. */
ngx_int_t ngx_http_apxlate_take_output(ngx_http_request_t *r, apx_output *out, ngx_str_t *body);
/* Registers a pool cleanup freeing the exchange / stream of ctx. */
ngx_int_t ngx_http_apxlate_add_cleanup(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx);
/* Logs and describes a library error as "what: message at path (byte n)" into buf. */
size_t ngx_http_apxlate_describe(const char *what, apx_status st, const apx_error *err,
    u_char *buf, size_t size);

#endif
