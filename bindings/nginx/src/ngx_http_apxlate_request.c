/*
 * The request side: in the PRECONTENT phase (before proxy_pass's content handler) the client's
 * body is read whole, translated, and put back as one memory buffer; Content-Length follows
 * through r->headers_in.content_length_n, which proxy_pass sends upstream. The exchange it gives
 * (client model, tool names) is kept in the request context for the response filters.
 * The shape follows ngx_http_mirror_module's body reading.
 */
#include "ngx_http_apxlate.h"

static void ngx_http_apxlate_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_apxlate_translate_body(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx);
static void ngx_http_apxlate_identity_encoding(ngx_http_request_t *r);
static ngx_int_t ngx_http_apxlate_send_local_error(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx,
    ngx_int_t status, u_char *msg, size_t len);

ngx_int_t
ngx_http_apxlate_precontent_handler(ngx_http_request_t *r)
{
    ngx_http_apxlate_loc_conf_t *alcf;
    ngx_http_apxlate_ctx_t      *ctx;
    ngx_int_t                    rc;

    if (r != r->main) {
        return NGX_DECLINED;
    }
    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apxlate_module);
    if (!alcf->enable || alcf->translator == NULL || r->method != NGX_HTTP_POST) {
        return NGX_DECLINED;
    }
    ctx = ngx_http_get_module_ctx(r, ngx_http_apxlate_module);
    if (ctx != NULL) {
        return ctx->status;
    }
    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_apxlate_ctx_t));
    if (ctx == NULL || ngx_http_apxlate_add_cleanup(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx->status = NGX_DONE;
    ngx_http_set_ctx(r, ctx, ngx_http_apxlate_module);

    rc = ngx_http_read_client_request_body(r, ngx_http_apxlate_body_handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }
    ngx_http_finalize_request(r, NGX_DONE);
    return NGX_DONE;
}

static void
ngx_http_apxlate_body_handler(ngx_http_request_t *r)
{
    ngx_http_apxlate_ctx_t  *ctx;
    ngx_int_t                rc;

    ctx = ngx_http_get_module_ctx(r, ngx_http_apxlate_module);
    rc = ngx_http_apxlate_translate_body(r, ctx);
    if (ctx->local || rc != NGX_OK) {
        /* the response is ours (a client-format error, rc is its send result), or a plain 500 */
        ngx_http_finalize_request(r, rc);
        return;
    }
    ctx->status = NGX_DECLINED;          /* on to the content phase: proxy_pass */
    r->preserve_body = 1;
    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}

ngx_int_t
ngx_http_apxlate_body_bytes(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_chain_t  *cl;
    ngx_buf_t    *b;
    size_t        len = 0, n;
    ssize_t       rd;
    u_char       *p;

    if (r->request_body == NULL) {
        ngx_str_null(body);
        return NGX_OK;
    }
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;
        len += b->in_file ? (size_t) (b->file_last - b->file_pos) : (size_t) (b->last - b->pos);
    }
    p = ngx_pnalloc(r->pool, len ? len : 1);
    if (p == NULL) {
        return NGX_ERROR;
    }
    body->data = p;
    body->len = len;
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;
        if (b->in_file) {
            n = (size_t) (b->file_last - b->file_pos);
            rd = ngx_read_file(b->file, p, n, b->file_pos);
            if (rd < 0 || (size_t) rd != n) {
                return NGX_ERROR;
            }
            p += n;
        } else {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }
    return NGX_OK;
}

static ngx_int_t
ngx_http_apxlate_translate_body(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx)
{
    ngx_http_apxlate_loc_conf_t *alcf;
    ngx_str_t                    in, body;
    apx_output                   out;
    apx_error                    err;
    apx_status                   st;
    ngx_buf_t                   *b;
    ngx_chain_t                 *cl;
    u_char                       msg[1024];
    size_t                       len;
    ngx_int_t                    status;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apxlate_module);
    if (ngx_http_apxlate_body_bytes(r, &in) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ngx_memzero(&out, sizeof(out));
    st = apx_request_translate(alcf->translator, alcf->from, alcf->to, in.data, in.len,
                               &out, &ctx->exchange, &err);
    if (st != APX_OK) {
        len = ngx_http_apxlate_describe("request", st, &err, msg, sizeof(msg));
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "apxlate: %*s", len, msg);
        status = (st == APX_ERR_NOMEM || st == APX_ERR_INTERNAL || st == APX_ERR_ARGUMENT)
                 ? NGX_HTTP_INTERNAL_SERVER_ERROR : NGX_HTTP_BAD_REQUEST;
        return ngx_http_apxlate_send_local_error(r, ctx, status, msg, len);
    }
    if (ngx_http_apxlate_take_output(r, &out, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_calloc_buf(r->pool);
    cl = ngx_alloc_chain_link(r->pool);
    if (b == NULL || cl == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    b->pos = b->start = body.data;
    b->last = b->end = body.data + body.len;
    b->memory = body.len > 0;
    b->last_buf = 1;
    cl->buf = b;
    cl->next = NULL;
    r->request_body->bufs = cl;
    r->request_body->buf = b;
    r->request_body->temp_file = NULL;
    r->headers_in.content_length_n = body.len;
    r->headers_in.chunked = 0;
    if (r->headers_in.content_length) {
        r->headers_in.content_length->value.data = ngx_pnalloc(r->pool, NGX_OFF_T_LEN);
        if (r->headers_in.content_length->value.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        r->headers_in.content_length->value.len =
            ngx_sprintf(r->headers_in.content_length->value.data, "%O", (off_t) body.len)
            - r->headers_in.content_length->value.data;
    }
    ngx_http_apxlate_identity_encoding(r);
    return NGX_OK;
}

/*
 * The module reads the upstream's body, so the upstream must not compress it: the client's
 * Accept-Encoding (which proxy_pass passes on) becomes "identity".
 */
static void
ngx_http_apxlate_identity_encoding(ngx_http_request_t *r)
{
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    ngx_uint_t        i;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (h[i].key.len == sizeof("Accept-Encoding") - 1
                && ngx_strncasecmp(h[i].key.data, (u_char *) "Accept-Encoding", h[i].key.len) == 0)
            {
                ngx_str_set(&h[i].value, "identity");
            }
        }
    }
}

/* Answers the client with a client-format error (the request never goes upstream). */
static ngx_int_t
ngx_http_apxlate_send_local_error(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx,
    ngx_int_t status, u_char *msg, size_t len)
{
    ngx_http_apxlate_loc_conf_t *alcf;
    ngx_str_t                    body;
    ngx_int_t                    out_status, rc;
    ngx_buf_t                   *b;
    ngx_chain_t                  out;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apxlate_module);
    if (ngx_http_apxlate_build_error(r, alcf->from, status, (char *) msg, len, &body, &out_status) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx->local = 1;
    ngx_http_discard_request_body(r);
    r->headers_out.status = out_status;
    r->headers_out.content_length_n = body.len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    b->pos = body.data;
    b->last = body.data + body.len;
    b->memory = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;
    out.buf = b;
    out.next = NULL;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }
    return ngx_http_output_filter(r, &out);
}
