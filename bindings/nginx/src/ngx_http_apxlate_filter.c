/*
 * The response side, as header and body filters on requests whose body this module translated:
 *   - status >= 400: headers held, body buffered, then apx_error_translate gives the client's
 *     error body and status (the way ngx_http_xslt_filter_module holds headers);
 *   - text/event-stream: translated chunk by chunk as it passes (apx_stream_translate into
 *     recycled buffers, as ngx_http_gzip_filter_module does); only an incomplete event waits,
 *     inside the library. Upstream buffering is switched off for the response;
 *   - anything else (JSON): headers held, body buffered, apx_response_translate at the end.
 * A library error never ends the worker: before the headers went out it becomes a client-format
 * 502; in a stream the library ends the client stream with its format's failure ending
 * (apx_stream_fail). So does an upstream connection that breaks before the end of the body (see
 * ngx_http_apxlate_upstream_broke).
 */
#include "ngx_http_apxlate.h"

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;

/* What a client is told about an error page nginx made itself (the status says what happened). */
static size_t
ngx_http_apxlate_own_error_message(ngx_http_request_t *r, ngx_uint_t status, u_char *buf, size_t size)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
    switch (status) {
    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        return ngx_snprintf(buf, size, "the request body is larger than this proxy's limit of %O bytes "
                            "(nginx client_max_body_size)", clcf->client_max_body_size) - buf;
    case NGX_HTTP_REQUEST_TIME_OUT:
        return ngx_snprintf(buf, size, "the request was not received in time (nginx client_body_timeout)") - buf;
    case NGX_HTTP_BAD_GATEWAY:
        return ngx_snprintf(buf, size, "the upstream could not be reached or sent an invalid response "
                            "(nginx 502)") - buf;
    case NGX_HTTP_GATEWAY_TIME_OUT:
        return ngx_snprintf(buf, size, "the upstream did not answer in time (nginx 504: "
                            "proxy_connect_timeout or proxy_read_timeout)") - buf;
    case NGX_HTTP_SERVICE_UNAVAILABLE:
        return ngx_snprintf(buf, size, "the service is unavailable (nginx 503)") - buf;
    default:
        return ngx_snprintf(buf, size, "nginx answered %ui", status) - buf;
    }
}

/*
 * nginx's own error page (ngx_http_special_response_handler: r->err_status is set) in an
 * `apxlate on` (or `apxlate_count_tokens`) location, before any response of ours or the upstream's went out: a 413 for a body
 * over client_max_body_size, a 408, the 502/504 of an upstream that cannot be reached or times out.
 * The HTML page is replaced by the client format's error (apx_error_build) with the same status.
 * 499 (the client closed the connection) has no one to answer and passes.
 */
static ngx_int_t
ngx_http_apxlate_own_error_page(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx)
{
    ngx_http_apxlate_loc_conf_t *alcf;
    ngx_str_t                    body;
    ngx_int_t                    status;
    u_char                       msg[512];
    size_t                       len;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apxlate_module);
    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_apxlate_ctx_t));
        if (ctx == NULL) {
            return NGX_ERROR;
        }
        ngx_http_set_ctx(r, ctx, ngx_http_apxlate_module);
    }
    ctx->header_seen = 1;
    len = ngx_http_apxlate_own_error_message(r, r->err_status, msg, sizeof(msg));
    if (ngx_http_apxlate_build_error(r, alcf->from, r->err_status, (char *) msg, len, &body, &status) != NGX_OK) {
        return NGX_ERROR;
    }
    ctx->mode = NGX_HTTP_APXLATE_REPLACE;
    ctx->acc = body.data;
    ctx->acc_len = body.len;
    r->headers_out.status = r->err_status;              /* nginx's status, not the library's mapping */
    r->headers_out.status_line.len = 0;
    ngx_http_clear_content_length(r);
    r->headers_out.content_length_n = body.len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.charset.len = 0;
    return ngx_http_next_header_filter(r);
}

/* Sends the replacement of nginx's error page once; nginx's HTML is dropped. */
static ngx_int_t
ngx_http_apxlate_replace_body(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx, ngx_chain_t *in);

static ngx_int_t
ngx_http_apxlate_header_filter(ngx_http_request_t *r)
{
    ngx_http_apxlate_loc_conf_t *alcf;
    ngx_http_apxlate_ctx_t      *ctx;
    ngx_uint_t                   status;
    ngx_str_t                   *ct;
    apx_error                    err;
    apx_status                   st;
    u_char                       msg[1024];
    size_t                       len;

    ctx = ngx_http_get_module_ctx(r, ngx_http_apxlate_module);
    if (r == r->main && r->err_status >= NGX_HTTP_BAD_REQUEST
        && r->err_status != NGX_HTTP_CLIENT_CLOSED_REQUEST
        && (ctx == NULL || (!ctx->local && !ctx->header_seen)))
    {
        alcf = ngx_http_get_module_loc_conf(r, ngx_http_apxlate_module);
        if ((alcf->enable || alcf->count_tokens) && alcf->translator != NULL) {
            return ngx_http_apxlate_own_error_page(r, ctx);
        }
    }
    if (r != r->main || ctx == NULL || ctx->exchange == NULL || ctx->local || ctx->header_seen) {
        if (ctx != NULL && ctx->header_seen && ctx->mode != NGX_HTTP_APXLATE_DONE) {
            ctx->mode = NGX_HTTP_APXLATE_PASS;   /* nginx's own error page after a failure */
        }
        return ngx_http_next_header_filter(r);
    }
    ctx->header_seen = 1;
    status = r->headers_out.status;
    if (r->header_only || status < 200 || status == NGX_HTTP_NO_CONTENT || status == NGX_HTTP_NOT_MODIFIED) {
        ctx->mode = NGX_HTTP_APXLATE_PASS;
        return ngx_http_next_header_filter(r);
    }
    ctx->upstream_status = status;
    if (status >= NGX_HTTP_BAD_REQUEST) {
        ctx->mode = NGX_HTTP_APXLATE_ERROR;
        return NGX_OK;                                  /* held until the body is known */
    }
    ct = &r->headers_out.content_type;
    if (ct->len >= sizeof("text/event-stream") - 1
        && ngx_strncasecmp(ct->data, (u_char *) "text/event-stream", sizeof("text/event-stream") - 1) == 0)
    {
        alcf = ngx_http_get_module_loc_conf(r, ngx_http_apxlate_module);
        st = apx_stream_new(alcf->translator, ctx->exchange, APX_FORMAT_NONE, APX_FORMAT_NONE,
                            &ctx->stream, &err);
        if (st != APX_OK) {
            len = ngx_http_apxlate_describe("stream", st, &err, msg, sizeof(msg));
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "apxlate: %*s", len, msg);
            ctx->mode = NGX_HTTP_APXLATE_WHOLE;         /* answered with a 502 at the end */
            ctx->stream = NULL;
            ctx->failure.data = ngx_pnalloc(r->pool, len);
            if (ctx->failure.data == NULL) {
                return NGX_ERROR;
            }
            ctx->failure.len = ngx_cpymem(ctx->failure.data, msg, len) - ctx->failure.data;
            return NGX_OK;
        }
        ctx->mode = NGX_HTTP_APXLATE_STREAM;
        if (r->upstream) {
            r->upstream->buffering = 0;                 /* pass each event on as it comes */
        }
        ngx_http_clear_content_length(r);
        ngx_http_clear_accept_ranges(r);
        ngx_http_clear_etag(r);
        return ngx_http_next_header_filter(r);
    }
    ctx->mode = NGX_HTTP_APXLATE_WHOLE;
    return NGX_OK;                                      /* held until the body is known */
}

#define NGX_HTTP_APXLATE_BROKE_STREAM \
    "the upstream connection broke mid-stream (closed, reset or timed out): the response is incomplete"
#define NGX_HTTP_APXLATE_BROKE_BODY \
    "the upstream connection broke before the end of the response (closed, reset or timed out)"

/*
 * Whether this body filter call is nginx ending a response whose upstream broke after the
 * headers were sent (upstream closed before the end of the body, reset, proxy_read_timeout):
 * ngx_http_upstream_finalize_request closes (or frees) the upstream connection first, then sends
 * one empty flush buffer (ngx_http_send_special(r, NGX_HTTP_FLUSH)) where a complete response
 * gets last_buf (NGX_HTTP_LAST), and then closes the client connection.
 */
static ngx_uint_t
ngx_http_apxlate_upstream_broke(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t  *cl;
    ngx_uint_t    flush = 0;

    if (r->upstream == NULL || r->upstream->peer.connection != NULL) {
        return 0;
    }
    for (cl = in; cl; cl = cl->next) {
        if (cl->buf->last_buf || ngx_buf_size(cl->buf) != 0) {
            return 0;
        }
        flush |= cl->buf->flush;
    }
    return flush;
}

/* Appends a buffer's bytes (memory or file) to the accumulated body. */
static ngx_int_t
ngx_http_apxlate_append(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx, ngx_buf_t *b)
{
    size_t    n, cap;
    ssize_t   rd;
    u_char   *p;

    n = ngx_buf_in_memory(b) ? (size_t) (b->last - b->pos) : (size_t) (b->file_last - b->file_pos);
    if (n == 0) {
        return NGX_OK;
    }
    if (n > NGX_HTTP_APXLATE_MAX_BUFFERED - ctx->acc_len) {
        return NGX_DECLINED;
    }
    if (ctx->acc_len + n > ctx->acc_cap) {
        cap = ngx_max(ngx_max(ctx->acc_cap * 2, ctx->acc_len + n), 16384);
        p = ngx_palloc(r->pool, cap);
        if (p == NULL) {
            return NGX_ERROR;
        }
        if (ctx->acc_len) {
            ngx_memcpy(p, ctx->acc, ctx->acc_len);
        }
        if (ctx->acc) {
            ngx_pfree(r->pool, ctx->acc);
        }
        ctx->acc = p;
        ctx->acc_cap = cap;
    }
    if (ngx_buf_in_memory(b)) {
        ngx_memcpy(ctx->acc + ctx->acc_len, b->pos, n);
        b->pos = b->last;
    } else {
        rd = ngx_read_file(b->file, ctx->acc + ctx->acc_len, n, b->file_pos);
        if (rd < 0 || (size_t) rd != n) {
            return NGX_ERROR;
        }
        b->file_pos = b->file_last;
    }
    ctx->acc_len += n;
    return NGX_OK;
}

/* Sends the held headers with a new JSON body of the given status. */
static ngx_int_t
ngx_http_apxlate_send_json(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx, ngx_int_t status, ngx_str_t *body)
{
    ngx_buf_t    *b;
    ngx_chain_t   out;
    ngx_int_t     rc;

    ctx->mode = NGX_HTTP_APXLATE_DONE;
    r->headers_out.status = status;
    r->headers_out.status_line.len = 0;
    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_clear_etag(r);
    if (r->headers_out.content_encoding) {
        r->headers_out.content_encoding->hash = 0;
        r->headers_out.content_encoding = NULL;
    }
    r->headers_out.content_length_n = body->len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.charset.len = 0;

    rc = ngx_http_next_header_filter(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }
    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }
    b->pos = body->data;
    b->last = body->data + body->len;
    b->memory = body->len > 0;
    b->last_buf = 1;
    b->last_in_chain = 1;
    out.buf = b;
    out.next = NULL;
    return ngx_http_next_body_filter(r, &out);
}

/* The upstream body is complete: translate it (response or error) and send it. */
static ngx_int_t
ngx_http_apxlate_finish_buffered(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx, ngx_int_t fail)
{
    ngx_http_apxlate_loc_conf_t *alcf;
    apx_output                   out;
    apx_error                    err;
    apx_status                   st;
    ngx_str_t                    body;
    ngx_int_t                    status;
    u_char                       msg[1024];
    size_t                       len;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apxlate_module);
    ngx_memzero(&out, sizeof(out));
    if (fail == NGX_DECLINED) {
        len = ngx_snprintf(msg, sizeof(msg), "the upstream response is larger than %d bytes",
                           NGX_HTTP_APXLATE_MAX_BUFFERED) - msg;
        st = APX_ERR_LIMIT;
    } else if (ctx->failure.len) {
        len = ngx_min(ctx->failure.len, sizeof(msg));
        ngx_memcpy(msg, ctx->failure.data, len);
        st = APX_ERR_UNSUPPORTED;
    } else if (r->headers_out.content_encoding && r->headers_out.content_encoding->value.len
               && ngx_strncasecmp(r->headers_out.content_encoding->value.data, (u_char *) "identity", 8) != 0)
    {
        len = ngx_snprintf(msg, sizeof(msg), "the upstream response is compressed (%V): "
                           "add proxy_set_header Accept-Encoding \"\";",
                           &r->headers_out.content_encoding->value) - msg;
        st = APX_ERR_UNSUPPORTED;
    } else if (ctx->mode == NGX_HTTP_APXLATE_ERROR) {
        st = apx_error_translate(alcf->translator, ctx->exchange, APX_FORMAT_NONE, APX_FORMAT_NONE,
                                 (int32_t) ctx->upstream_status, ctx->acc, ctx->acc_len, &out, &err);
        len = st == APX_OK ? 0 : ngx_http_apxlate_describe("error", st, &err, msg, sizeof(msg));
    } else {
        st = apx_response_translate(alcf->translator, ctx->exchange, APX_FORMAT_NONE, APX_FORMAT_NONE,
                                    ctx->acc, ctx->acc_len, &out, &err);
        len = st == APX_OK ? 0 : ngx_http_apxlate_describe("response", st, &err, msg, sizeof(msg));
    }
    if (st == APX_OK) {
        status = out.http_status ? out.http_status : ctx->upstream_status;
        if (ngx_http_apxlate_take_output(r, &out, &body) != NGX_OK) {
            return NGX_ERROR;
        }
    } else {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "apxlate: %*s", len, msg);
        if (ngx_http_apxlate_build_error(r, alcf->from, NGX_HTTP_BAD_GATEWAY, (char *) msg, len,
                                         &body, &status) != NGX_OK) {
            return NGX_ERROR;
        }
    }
    return ngx_http_apxlate_send_json(r, ctx, status, &body);
}

/* Fills an apx_error for a failure of this module's own (the library did not fill it). */
static apx_status
ngx_http_apxlate_own_error(apx_error *err, apx_status code, const char *message)
{
    ngx_memzero(err, sizeof(*err));
    err->code = code;
    err->offset = -1;
    ngx_cpystrn((u_char *) err->message, (u_char *) message, sizeof(err->message));
    return code;
}

/*
 * Runs bytes through the stream into recycled output buffers appended at *ll, until the input
 * is consumed and nothing is pending in the library. On failure `err` is always filled.
 */
static apx_status
ngx_http_apxlate_feed(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx, const u_char *data,
    size_t len, apx_stream_op op, ngx_chain_t ***ll, apx_error *err)
{
    apx_in        in = { data, len, 0 };
    apx_out       o;
    size_t        pending, before;
    apx_status    st;
    ngx_chain_t  *cl;
    ngx_buf_t    *b;

    for ( ;; ) {
        cl = ngx_chain_get_free_buf(r->pool, &ctx->free);
        if (cl == NULL) {
            return ngx_http_apxlate_own_error(err, APX_ERR_NOMEM, "out of memory for a stream output buffer");
        }
        b = cl->buf;
        if (b->start == NULL) {
            b->start = ngx_palloc(r->pool, NGX_HTTP_APXLATE_OUT_SIZE);
            if (b->start == NULL) {
                return ngx_http_apxlate_own_error(err, APX_ERR_NOMEM, "out of memory for a stream output buffer");
            }
            b->end = b->start + NGX_HTTP_APXLATE_OUT_SIZE;
            b->temporary = 1;
            b->tag = (ngx_buf_tag_t) &ngx_http_apxlate_module;
        }
        b->pos = b->last = b->start;
        b->flush = 0;
        b->last_buf = 0;

        o.dst = b->start;
        o.size = b->end - b->start;
        o.pos = 0;
        pending = 0;
        before = in.pos;
        st = apx_stream_translate(ctx->stream, &o, &in, op, &pending, err);
        if (st != APX_OK || o.pos == 0) {
            cl->next = ctx->free;
            ctx->free = cl;
        } else {
            b->last = b->start + o.pos;
            cl->next = NULL;
            **ll = cl;
            *ll = &cl->next;
        }
        if (st != APX_OK) {
            return st;
        }
        if (pending == 0 && in.pos >= in.size) {
            return APX_OK;
        }
        if (o.pos == 0 && in.pos == before) {
            return ngx_http_apxlate_own_error(err, APX_ERR_INTERNAL, "the stream made no progress");
        }
    }
}

/*
 * The stream failed after the headers went out: the library ends the client stream with its
 * format's failure ending (apx_stream_fail), appended at *ll after anything still pending.
 */
static ngx_int_t
ngx_http_apxlate_fail_stream(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx, u_char *msg, size_t len,
    ngx_chain_t ***ll)
{
    apx_error   err;
    apx_status  st;
    u_char      text[1024];
    size_t      n;

    st = apx_stream_fail(ctx->stream, NGX_HTTP_BAD_GATEWAY, msg, len, &err);
    if (st == APX_OK) {
        st = ngx_http_apxlate_feed(r, ctx, NULL, 0, APX_STREAM_CONTINUE, ll, &err);
    }
    if (st != APX_OK) {
        n = ngx_http_apxlate_describe("stream failure", st, &err, text, sizeof(text));
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "apxlate: %*s", n, text);
        return NGX_ERROR;
    }
    return NGX_OK;
}

static ngx_uint_t
ngx_http_apxlate_chain_len(ngx_chain_t *cl)
{
    ngx_uint_t  n = 0;

    for ( /* void */ ; cl; cl = cl->next) {
        n++;
    }
    return n;
}

/* Marks every buffer of a chain consumed. */
static void
ngx_http_apxlate_consume(ngx_chain_t *cl)
{
    for ( /* void */ ; cl; cl = cl->next) {
        if (ngx_buf_in_memory(cl->buf)) {
            cl->buf->pos = cl->buf->last;
        } else {
            cl->buf->file_pos = cl->buf->file_last;
        }
    }
}

/*
 * SSE: upstream buffers queue in ctx->in (not yet consumed, so the upstream stops reading when
 * the client is slow) and are translated in order while fewer than NGX_HTTP_APXLATE_MAX_BUSY
 * output buffers wait for the client; the upstream calls again (with no input) as the client
 * takes them.
 */
static ngx_int_t
ngx_http_apxlate_stream_body(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx, ngx_chain_t *in)
{
    ngx_chain_t  *out, **ll, *cl, *tail;
    ngx_buf_t    *b;
    ngx_int_t     last, rc;
    apx_status    st;
    apx_error     err;
    u_char        msg[1024], *data;
    size_t        len, n;
    ssize_t       rd;

    if (in && ngx_http_apxlate_upstream_broke(r, in)) {
        ctx->upstream_broke = 1;                /* ended with an error event once ctx->in is done */
    }
    if (in && ngx_chain_add_copy(r->pool, &ctx->in, in) != NGX_OK) {
        return NGX_ERROR;
    }
    for ( ;; ) {
        out = NULL;
        ll = &out;
        last = 0;
        st = APX_OK;
        while (ctx->in && st == APX_OK
               && ngx_http_apxlate_chain_len(ctx->busy) + ngx_http_apxlate_chain_len(out)
                  < NGX_HTTP_APXLATE_MAX_BUSY)
        {
            cl = ctx->in;
            b = cl->buf;
            ctx->in = cl->next;
            if (ngx_buf_in_memory(b)) {
                data = b->pos;
                len = b->last - b->pos;
                b->pos = b->last;
            } else if (b->in_file) {
                n = (size_t) (b->file_last - b->file_pos);
                data = ngx_pnalloc(r->pool, n ? n : 1);
                if (data == NULL) {
                    return NGX_ERROR;
                }
                rd = ngx_read_file(b->file, data, n, b->file_pos);
                if (rd < 0 || (size_t) rd != n) {
                    return NGX_ERROR;
                }
                len = n;
                b->file_pos = b->file_last;
            } else {
                data = NULL;
                len = 0;
            }
            if (len > 0) {
                st = ngx_http_apxlate_feed(r, ctx, data, len, APX_STREAM_CONTINUE, &ll, &err);
            }
            if (st == APX_OK && b->last_buf) {
                last = 1;
                st = ngx_http_apxlate_feed(r, ctx, NULL, 0, APX_STREAM_END, &ll, &err);
            }
            ngx_free_chain(r->pool, cl);
            if (last) {
                break;
            }
        }
        if (st == APX_OK && !last && ctx->in == NULL && ctx->upstream_broke) {
            /* not APX_STREAM_END: the library would close the stream as a complete answer */
            len = sizeof(NGX_HTTP_APXLATE_BROKE_STREAM) - 1;
            ngx_memcpy(msg, NGX_HTTP_APXLATE_BROKE_STREAM, len);
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0, "apxlate: %*s", len, msg);
            if (ngx_http_apxlate_fail_stream(r, ctx, msg, len, &ll) != NGX_OK) {
                return NGX_ERROR;
            }
            last = 1;
        }
        if (st != APX_OK) {
            len = ngx_http_apxlate_describe("stream", st, &err, msg, sizeof(msg));
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "apxlate: %*s", len, msg);
            if (ngx_http_apxlate_fail_stream(r, ctx, msg, len, &ll) != NGX_OK) {
                return NGX_ERROR;
            }
            last = 1;
        }
        if (last) {
            ngx_http_apxlate_consume(ctx->in);          /* nothing after the end is sent */
            ctx->in = NULL;
            ctx->mode = NGX_HTTP_APXLATE_DONE;
            b = ngx_calloc_buf(r->pool);
            cl = ngx_alloc_chain_link(r->pool);
            if (b == NULL || cl == NULL) {
                return NGX_ERROR;
            }
            b->last_buf = 1;
            b->last_in_chain = 1;
            cl->buf = b;
            cl->next = NULL;
            *ll = cl;
        }
        for (tail = out; tail && tail->next; tail = tail->next) { /* void */ }
        if (tail) {
            tail->buf->flush = 1;                       /* SSE goes out event by event */
        }
        rc = ngx_http_next_body_filter(r, out);
        ngx_chain_update_chains(r->pool, &ctx->free, &ctx->busy, &out,
                                (ngx_buf_tag_t) &ngx_http_apxlate_module);
        if (rc == NGX_ERROR || ctx->in == NULL
            || ngx_http_apxlate_chain_len(ctx->busy) >= NGX_HTTP_APXLATE_MAX_BUSY)
        {
            return rc;
        }
        /* the client took what was waiting: translate more of the queued input */
    }
}

static ngx_int_t
ngx_http_apxlate_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_apxlate_ctx_t  *ctx;
    ngx_chain_t             *cl;
    ngx_int_t                rc, last = 0;

    ctx = ngx_http_get_module_ctx(r, ngx_http_apxlate_module);
    if (r != r->main || ctx == NULL || ctx->local || ctx->mode == NGX_HTTP_APXLATE_PASS) {
        return ngx_http_next_body_filter(r, in);
    }
    switch (ctx->mode) {

    case NGX_HTTP_APXLATE_STREAM:
        return ngx_http_apxlate_stream_body(r, ctx, in);

    case NGX_HTTP_APXLATE_REPLACE:
        return ngx_http_apxlate_replace_body(r, ctx, in);

    case NGX_HTTP_APXLATE_WHOLE:
    case NGX_HTTP_APXLATE_ERROR:
        for (cl = in; cl; cl = cl->next) {
            rc = ngx_http_apxlate_append(r, ctx, cl->buf);
            if (rc == NGX_ERROR) {
                return NGX_ERROR;
            }
            if (rc == NGX_DECLINED) {
                ngx_http_apxlate_consume(cl);           /* memory through pos, files through file_pos */
                return ngx_http_apxlate_finish_buffered(r, ctx, NGX_DECLINED);
            }
            if (cl->buf->last_buf) {
                last = 1;
            }
        }
        if (!last && in && ngx_http_apxlate_upstream_broke(r, in)) {
            /* the headers are still held: the client gets a 502 instead of a cut connection */
            ngx_str_set(&ctx->failure, NGX_HTTP_APXLATE_BROKE_BODY);
            last = 1;
        }
        return last ? ngx_http_apxlate_finish_buffered(r, ctx, NGX_OK) : NGX_OK;

    default: /* DONE: whatever comes after the end is dropped */
        ngx_http_apxlate_consume(in);
        return ngx_http_next_body_filter(r, NULL);
    }
}

static ngx_int_t
ngx_http_apxlate_replace_body(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx, ngx_chain_t *in)
{
    ngx_buf_t    *b;
    ngx_chain_t   out;

    ngx_http_apxlate_consume(in);
    ctx->mode = NGX_HTTP_APXLATE_DONE;
    if (r->header_only) {
        return ngx_http_next_body_filter(r, NULL);
    }
    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }
    b->pos = ctx->acc;
    b->last = ctx->acc + ctx->acc_len;
    b->memory = ctx->acc_len > 0;
    b->last_buf = 1;
    b->last_in_chain = 1;
    out.buf = b;
    out.next = NULL;
    return ngx_http_next_body_filter(r, &out);
}

ngx_int_t
ngx_http_apxlate_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_apxlate_header_filter;
    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_apxlate_body_filter;
    return NGX_OK;
}
