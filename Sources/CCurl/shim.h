#include <curl/curl.h>

/* curl_easy_setopt / curl_multi_setopt / curl_easy_getinfo are variadic, which Swift cannot
   call: these typed wrappers are what the host uses. */

typedef size_t (*apxc_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode apxc_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode apxc_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode apxc_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode apxc_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode apxc_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode apxc_setopt_write(CURL *h, apxc_data_cb cb, void *ud) {
    CURLcode c = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb);
    return c != CURLE_OK ? c : curl_easy_setopt(h, CURLOPT_WRITEDATA, ud);
}
static inline CURLcode apxc_setopt_header(CURL *h, apxc_data_cb cb, void *ud) {
    CURLcode c = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, cb);
    return c != CURLE_OK ? c : curl_easy_setopt(h, CURLOPT_HEADERDATA, ud);
}
static inline CURLcode apxc_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode apxc_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLcode apxc_easy_result(CURLMsg *m) { return m->data.result; }

static const size_t APXC_WRITEFUNC_PAUSE = CURL_WRITEFUNC_PAUSE;
static const int APXC_PAUSE_CONT = CURLPAUSE_CONT;
static const long APXC_HTTP_VERSION_2TLS = CURL_HTTP_VERSION_2TLS;
