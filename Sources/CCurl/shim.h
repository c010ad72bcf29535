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

/* ---- curl_multi_socket_action on the event loops (CurlEngine): callbacks and epoll ---- */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <errno.h>

typedef int (*apxc_socket_cb)(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
typedef int (*apxc_timer_cb)(CURLM *multi, long timeout_ms, void *userp);

static inline CURLMcode apxc_multi_set_callbacks(CURLM *m, apxc_socket_cb s, apxc_timer_cb t, void *ud) {
    CURLMcode c = curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, s);
    if (c == CURLM_OK) c = curl_multi_setopt(m, CURLMOPT_SOCKETDATA, ud);
    if (c == CURLM_OK) c = curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, t);
    if (c == CURLM_OK) c = curl_multi_setopt(m, CURLMOPT_TIMERDATA, ud);
    return c;
}

static const curl_socket_t APXC_SOCKET_TIMEOUT = CURL_SOCKET_TIMEOUT;

/* epoll_event is packed on x86_64, which Swift does not import faithfully: these wrappers take
   and give plain values. `what` is curl's CURL_POLL_* interest; the socket is armed one-shot
   (reported once, then silent until armed again). */
static inline int apxc_epoll_arm(int ep, int fd, int what, int add) {
    struct epoll_event ev;
    ev.events = EPOLLONESHOT | ((what & CURL_POLL_IN) ? EPOLLIN : 0) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0);
    ev.data.u64 = 0;
    ev.data.fd = fd;
    int r = epoll_ctl(ep, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
    if (r != 0 && add && errno == EEXIST) r = epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
    else if (r != 0 && !add && errno == ENOENT) r = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    return r;
}
static inline int apxc_epoll_add_wakeup(int ep, int fd) {
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.u64 = 0;
    ev.data.fd = fd;
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}
static inline int apxc_epoll_remove(int ep, int fd) {
    struct epoll_event ev = {0};
    return epoll_ctl(ep, EPOLL_CTL_DEL, fd, &ev);
}
/* Waits for ready descriptors; fills fds[i] and curl's CURL_CSELECT_* flags in flags[i]. */
static inline int apxc_epoll_wait(int ep, int *fds, int *flags, int max, int timeout_ms) {
    struct epoll_event evs[64];
    if (max > 64) max = 64;
    int n = epoll_wait(ep, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        fds[i] = evs[i].data.fd;
        int f = 0;
        if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) f |= CURL_CSELECT_IN;
        if (evs[i].events & EPOLLOUT) f |= CURL_CSELECT_OUT;
        if (evs[i].events & EPOLLERR) f |= CURL_CSELECT_ERR | CURL_CSELECT_IN;
        flags[i] = f;
    }
    return n;
}

/* glibc malloc thresholds (MallocTuning.swift; malloc.h is not in Swift's Glibc module). */
#include <malloc.h>
static inline void apxc_malloc_thresholds(int trim_bytes, int mmap_bytes) {
#ifdef M_TRIM_THRESHOLD
    mallopt(M_TRIM_THRESHOLD, trim_bytes);
    mallopt(M_MMAP_THRESHOLD, mmap_bytes);
#endif
}
