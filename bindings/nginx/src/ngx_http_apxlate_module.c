/*
 * Directives, configuration and shared helpers of ngx_http_apxlate_module.
 *
 *   apxlate on | off;                 translate this location (default off)
 *   apxlate_from anthropic | openai-chat | openai-responses;   the client's format (anthropic)
 *   apxlate_to   anthropic | openai-chat | openai-responses;   the upstream's format (openai-chat)
 *   apxlate_config /path/config.json; the translator configuration (model map, upstream quirks)
 *   apxlate_count_tokens;             answer this location (POST /v1/messages/count_tokens) with a
 *                                     local estimate {"input_tokens": N}; uses apxlate_from
 */
#include "ngx_http_apxlate.h"

static void *ngx_http_apxlate_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_apxlate_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static void ngx_http_apxlate_body_defaults(ngx_conf_t *cf);
static char *ngx_http_apxlate_format(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_apxlate_config(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_apxlate_count_tokens(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_apxlate_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_apxlate_init_module(ngx_cycle_t *cycle);

static ngx_command_t  ngx_http_apxlate_commands[] = {

    { ngx_string("apxlate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_apxlate_loc_conf_t, enable),
      NULL },

    { ngx_string("apxlate_from"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apxlate_format,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_apxlate_loc_conf_t, from),
      NULL },

    { ngx_string("apxlate_to"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apxlate_format,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_apxlate_loc_conf_t, to),
      NULL },

    { ngx_string("apxlate_config"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apxlate_config,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apxlate_count_tokens"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_apxlate_count_tokens,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};

static ngx_http_module_t  ngx_http_apxlate_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_apxlate_init,                 /* postconfiguration */
    NULL, NULL, NULL, NULL,                /* main, server conf */
    ngx_http_apxlate_create_loc_conf,
    ngx_http_apxlate_merge_loc_conf
};

ngx_module_t  ngx_http_apxlate_module = {
    NGX_MODULE_V1,
    &ngx_http_apxlate_module_ctx,
    ngx_http_apxlate_commands,
    NGX_HTTP_MODULE,
    NULL,                                  /* init master */
    ngx_http_apxlate_init_module,          /* init module */
    NULL, NULL, NULL, NULL, NULL,
    NGX_MODULE_V1_PADDING
};

static void *
ngx_http_apxlate_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_apxlate_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_apxlate_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }
    conf->enable = NGX_CONF_UNSET;
    conf->count_tokens = 0;
    conf->from = -1;
    conf->to = -1;
    /* config_path = {0, NULL}, translator = NULL: inherited */
    return conf;
}

static void
ngx_http_apxlate_translator_cleanup(void *data)
{
    apx_translator_free(data);
}

/* Builds a translator from configuration bytes; it is freed with the configuration pool. */
static apx_translator *
ngx_http_apxlate_new_translator(ngx_conf_t *cf, u_char *json, size_t len, ngx_str_t *name)
{
    apx_translator      *t = NULL;
    apx_error            err;
    apx_status           st;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }
    st = apx_translator_new(json, len, &t, &err);
    if (st != APX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "apxlate: invalid configuration \"%V\": %s%s%s",
                           name, err.message, err.path[0] ? " at " : "", err.path);
        return NULL;
    }
    cln->handler = ngx_http_apxlate_translator_cleanup;
    cln->data = t;
    return t;
}

/*
 * Raises nginx's body defaults in an `apxlate on` or `apxlate_count_tokens` location (NGX_HTTP_APXLATE_MAX_BODY,
 * NGX_HTTP_APXLATE_BODY_BUFFER). nginx's core module merged its configuration before this one, so
 * "not configured" can only be told by value: a client_max_body_size of exactly 1m or a
 * client_body_buffer_size of exactly two pages is taken as nginx's default. (During a merge,
 * cf->ctx holds the configuration of the location being merged.)
 */
static void
ngx_http_apxlate_body_defaults(ngx_conf_t *cf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    if (clcf == NULL) {
        return;
    }
    if (clcf->client_max_body_size == 1 * 1024 * 1024) {
        clcf->client_max_body_size = NGX_HTTP_APXLATE_MAX_BODY;
    }
    if (clcf->client_body_buffer_size == (size_t) 2 * ngx_pagesize) {
        clcf->client_body_buffer_size = NGX_HTTP_APXLATE_BODY_BUFFER;
    }
}

static char *
ngx_http_apxlate_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_apxlate_loc_conf_t *prev = parent;
    ngx_http_apxlate_loc_conf_t *conf = child;
    static ngx_str_t             defaults = ngx_string("(defaults)");

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    if (conf->from == -1) {
        conf->from = prev->from == -1 ? APX_FORMAT_ANTHROPIC : prev->from;
    }
    if (conf->to == -1) {
        conf->to = prev->to == -1 ? APX_FORMAT_OPENAI_CHAT : prev->to;
    }
    if (conf->translator == NULL) {
        conf->translator = prev->translator;
        conf->config_path = prev->config_path;
    }
    if (conf->enable || conf->count_tokens) {       /* count_tokens bodies are as large */
        ngx_http_apxlate_body_defaults(cf);
    }
    if ((conf->enable || conf->count_tokens) && conf->translator == NULL) {
        conf->translator = ngx_http_apxlate_new_translator(cf, (u_char *) "{}", 2, &defaults);
        if (conf->translator == NULL) {
            return NGX_CONF_ERROR;
        }
    }
    return NGX_CONF_OK;
}

static char *
ngx_http_apxlate_format(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    apx_format  *fp = (apx_format *) ((char *) conf + cmd->offset);
    ngx_str_t   *value = cf->args->elts;
    apx_format   f;

    if (*fp != -1) {
        return "is duplicate";
    }
    f = apx_format_from_name(value[1].data, value[1].len);
    if (f == APX_FORMAT_NONE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "unknown format \"%V\" (anthropic, openai-chat, openai-responses)",
                           &value[1]);
        return NGX_CONF_ERROR;
    }
    *fp = f;
    return NGX_CONF_OK;
}

/* Reads the configuration file now (at configuration time, in the master) and builds the translator. */
static char *
ngx_http_apxlate_config(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apxlate_loc_conf_t *alcf = conf;
    ngx_str_t                   *value = cf->args->elts;
    ngx_file_t                   file;
    ngx_file_info_t              fi;
    u_char                      *buf;
    ssize_t                      n;
    size_t                       size;

    if (alcf->translator != NULL) {
        return "is duplicate";
    }
    if (ngx_conf_full_name(cf->cycle, &value[1], 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = value[1];
    file.log = cf->log;
    file.fd = ngx_open_file(value[1].data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, ngx_open_file_n " \"%V\" failed", &value[1]);
        return NGX_CONF_ERROR;
    }
    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR || ngx_file_size(&fi) > 16 * 1024 * 1024) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "\"%V\": cannot stat, or larger than 16 MB", &value[1]);
        ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }
    size = (size_t) ngx_file_size(&fi);
    buf = ngx_pnalloc(cf->temp_pool, size + 1);
    if (buf == NULL) {
        ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }
    n = ngx_read_file(&file, buf, size, 0);
    ngx_close_file(file.fd);
    if (n < 0 || (size_t) n != size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": short read", &value[1]);
        return NGX_CONF_ERROR;
    }
    alcf->translator = ngx_http_apxlate_new_translator(cf, buf, size, &value[1]);
    if (alcf->translator == NULL) {
        return NGX_CONF_ERROR;
    }
    alcf->config_path = value[1];
    return NGX_CONF_OK;
}

static char *
ngx_http_apxlate_count_tokens(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apxlate_loc_conf_t *alcf = conf;
    ngx_http_core_loc_conf_t    *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_apxlate_tokens_handler;
    alcf->count_tokens = 1;
    return NGX_CONF_OK;
}

static ngx_int_t
ngx_http_apxlate_init_module(ngx_cycle_t *cycle)
{
    if (apx_abi_version() != APX_ABI_VERSION) {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "apxlate: libapxlate.so has ABI version %uD, the module was built for %d",
                      apx_abi_version(), APX_ABI_VERSION);
        return NGX_ERROR;
    }
    return NGX_OK;
}

static ngx_int_t
ngx_http_apxlate_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    *h = ngx_http_apxlate_precontent_handler;
    return ngx_http_apxlate_filter_init(cf);
}

/* ---- shared helpers ----------------------------------------------------------------------- */

size_t
ngx_http_apxlate_describe(const char *what, apx_status st, const apx_error *err, u_char *buf, size_t size)
{
    u_char  *p;

    p = ngx_snprintf(buf, size, "%s: %s: %s", what, apx_status_str(st), err->message);
    if (err->path[0] != '\0') {
        p = ngx_snprintf(p, size - (p - buf), " at %s", err->path);
    }
    if (err->offset >= 0) {
        p = ngx_snprintf(p, size - (p - buf), " (byte %L)", (int64_t) err->offset);
    }
    return p - buf;
}

ngx_int_t
ngx_http_apxlate_take_output(ngx_http_request_t *r, apx_output *out, ngx_str_t *body)
{
    if (out->warnings_len > 0 && out->warnings != NULL) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "apxlate: %*s",
                      out->warnings_len, out->warnings);
    }
    body->len = out->len;
    body->data = ngx_pnalloc(r->pool, out->len ? out->len : 1);
    if (body->data == NULL) {
        apx_output_free(out);
        return NGX_ERROR;
    }
    if (out->len) {
        ngx_memcpy(body->data, out->data, out->len);
    }
    apx_output_free(out);
    return NGX_OK;
}

ngx_int_t
ngx_http_apxlate_build_error(ngx_http_request_t *r, apx_format format, ngx_int_t status,
    const char *message, size_t message_len, ngx_str_t *body, ngx_int_t *out_status)
{
    apx_output  out;
    apx_error   err;

    ngx_memzero(&out, sizeof(out));
    if (apx_error_build(format, (int32_t) status, (const uint8_t *) message, message_len, &out, &err) != APX_OK) {
        ngx_str_set(body, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"apxlate failed\"}}");
        *out_status = status;
        return NGX_OK;
    }
    *out_status = out.http_status ? out.http_status : status;
    return ngx_http_apxlate_take_output(r, &out, body);
}

static void
ngx_http_apxlate_cleanup(void *data)
{
    ngx_http_apxlate_ctx_t  *ctx = data;

    apx_stream_free(ctx->stream);
    ctx->stream = NULL;
    apx_exchange_free(ctx->exchange);
    ctx->exchange = NULL;
}

ngx_int_t
ngx_http_apxlate_add_cleanup(ngx_http_request_t *r, ngx_http_apxlate_ctx_t *ctx)
{
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }
    cln->handler = ngx_http_apxlate_cleanup;
    cln->data = ctx;
    return NGX_OK;
}
