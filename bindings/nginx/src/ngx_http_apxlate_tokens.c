/*
 * apxlate_count_tokens: a content handler answering the Messages API's count_tokens endpoint
 * (POST /v1/messages/count_tokens) locally with apx_count_tokens: {"input_tokens": N}, an
 * estimate of about 4 bytes a token. OpenAI-compatible upstreams have no such endpoint, and
 * Claude Code calls it.
 */
#include "ngx_http_apxlate.h"

static void ngx_http_apxlate_tokens_body(ngx_http_request_t *r);

ngx_int_t
ngx_http_apxlate_tokens_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (r->method != NGX_HTTP_POST) {
        return NGX_HTTP_NOT_ALLOWED;
    }
    rc = ngx_http_read_client_request_body(r, ngx_http_apxlate_tokens_body);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }
    return NGX_DONE;
}

static void
ngx_http_apxlate_tokens_body(ngx_http_request_t *r)
{
    ngx_http_apxlate_loc_conf_t *alcf;
    ngx_str_t                    in, body;
    apx_error                    err;
    apx_status                   st;
    int64_t                      tokens = 0;
    ngx_int_t                    status, rc;
    u_char                       msg[1024];
    size_t                       len;
    ngx_buf_t                   *b;
    ngx_chain_t                  out;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apxlate_module);
    if (ngx_http_apxlate_body_bytes(r, &in) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }
    st = apx_count_tokens(alcf->translator, alcf->from, in.data, in.len, &tokens, &err);
    if (st == APX_OK) {
        status = NGX_HTTP_OK;
        body.data = ngx_pnalloc(r->pool, sizeof("{\"input_tokens\":}") + NGX_INT64_LEN);
        if (body.data == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }
        body.len = ngx_sprintf(body.data, "{\"input_tokens\":%L}", tokens) - body.data;
    } else {
        len = ngx_http_apxlate_describe("count_tokens", st, &err, msg, sizeof(msg));
        if (ngx_http_apxlate_build_error(r, alcf->from, NGX_HTTP_BAD_REQUEST, (char *) msg, len,
                                         &body, &status) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }
    }
    r->headers_out.status = status;
    r->headers_out.content_length_n = body.len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
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
        ngx_http_finalize_request(r, rc);
        return;
    }
    ngx_http_finalize_request(r, ngx_http_output_filter(r, &out));
}
