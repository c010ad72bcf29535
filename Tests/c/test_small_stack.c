/*
 * Deeply nested input on a small thread stack: every entry point that parses JSON runs in a
 * pthread with a 128 KiB stack (musl's default; Go cgo threads on Alpine) on documents nested
 * 512 deep (the library's limit: must be translated) and 100000 deep (must be APX_ERR_LIMIT with
 * a byte offset), with the nesting inside tool input schemas, tool arguments and message
 * content. A crash fails the test. The thread's stack is painted before each case, so the
 * high-water mark of each case is printed too (APX_STACK_KIB sets another stack size, to measure).
 * Exit status: 0 when nothing failed.
 */
#include "apxlate.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static int failures = 0;

#define FAIL(...) do { failures++; fprintf(stderr, "FAIL "); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } while (0)

/* A growing byte buffer. */
typedef struct { char *p; size_t len, cap; } buf;

static void put(buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) { perror("realloc"); exit(2); }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }
static void repeat(buf *b, char c, size_t n) { for (size_t i = 0; i < n; i++) put(b, &c, 1); }

/* `prefix` + n nested arrays (innermost holds 1) + `suffix`. */
static buf nested(const char *prefix, size_t n, const char *suffix) {
    buf b = {0};
    puts_(&b, prefix);
    repeat(&b, '[', n);
    puts_(&b, "1");
    repeat(&b, ']', n);
    puts_(&b, suffix);
    return b;
}

typedef enum { REQUEST, RESPONSE, TOKENS, STREAM } kind;

typedef struct {
    const char *name;
    kind kind;
    apx_format from, to;
    const char *prefix, *suffix;
    int wrapper;     /* containers around the nested part (the root counts) */
    int structural;  /* the nesting is JSON structure (not inside a string): 100000 deep is a limit error */
} scenario;

static const scenario scenarios[] = {
    {"request tool input_schema a->chat", REQUEST, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT,
     "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
     "\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"x\":{\"default\":",
     "}}}}]}", 6, 1},
    {"request tool input_schema chat->a", REQUEST, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC,
     "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
     "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"t\",\"parameters\":{\"type\":\"object\",\"x\":",
     "}}}]}", 5, 1},
    {"request tool_use input a->responses", REQUEST, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_RESPONSES,
     "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
     "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"c\",\"name\":\"t\",\"input\":{\"x\":",
     "}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"c\",\"content\":\"ok\"}]}]}", 6, 1},
    {"request tool arguments chat->a", REQUEST, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC,
     "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":null,"
     "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"t\",\"arguments\":\"{\\\"x\\\":",
     "}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"ok\"}]}", 1, 0},
    {"request tool parameters responses->chat", REQUEST, APX_FORMAT_OPENAI_RESPONSES, APX_FORMAT_OPENAI_CHAT,
     "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"t\","
     "\"parameters\":{\"type\":\"object\",\"x\":",
     "}}]}", 4, 1},
    {"response tool arguments chat->a", RESPONSE, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC,
     "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
     "\"finish_reason\":\"tool_calls\",\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\","
     "\"type\":\"function\",\"function\":{\"name\":\"t\",\"arguments\":\"{\\\"x\\\":",
     "}\"}}]}}]}", 1, 0},
    {"response tool_use input a->chat", RESPONSE, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT,
     "{\"id\":\"m1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"stop_reason\":\"tool_use\","
     "\"usage\":{\"input_tokens\":1,\"output_tokens\":1},\"content\":[{\"type\":\"tool_use\",\"id\":\"c\",\"name\":\"t\",\"input\":{\"x\":",
     "}}]}", 4, 1},
    {"response content responses->a", RESPONSE, APX_FORMAT_OPENAI_RESPONSES, APX_FORMAT_ANTHROPIC,
     "{\"id\":\"r\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\",\"output\":[{\"type\":\"message\","
     "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"hi\",\"annotations\":",
     "}]}]}", 5, 1},
    {"count_tokens tool input_schema", TOKENS, APX_FORMAT_ANTHROPIC, APX_FORMAT_NONE,
     "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
     "\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\",\"x\":",
     "}}]}", 4, 1},
    {"stream chat->a event data", STREAM, APX_FORMAT_OPENAI_CHAT, APX_FORMAT_ANTHROPIC,
     "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
     "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null,\"x\":",
     "}]}\n\ndata: [DONE]\n\n", 3, 1},
    {"stream responses->chat tool arguments", STREAM, APX_FORMAT_OPENAI_RESPONSES, APX_FORMAT_OPENAI_CHAT,
     "data: {\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"model\":\"m\"}}\n\n"
     "data: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":\"function_call\","
     "\"id\":\"f\",\"call_id\":\"c\",\"name\":\"t\",\"arguments\":\"\",\"x\":",
     "}}\n\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"status\":\"completed\"}}\n\n", 2, 1},
};

typedef struct {
    apx_translator *translator;
    const scenario *sc;
    const char *doc;
    size_t len;
    apx_status status;
    apx_error error;
} job;

static void *run(void *arg) {
    job *j = arg;
    const scenario *sc = j->sc;
    apx_output out;
    memset(&out, 0, sizeof out);
    memset(&j->error, 0, sizeof j->error);
    j->error.offset = -1;
    const uint8_t *doc = (const uint8_t *)j->doc;
    switch (sc->kind) {
    case REQUEST:
        j->status = apx_request_translate(j->translator, sc->from, sc->to, doc, j->len, &out, NULL, &j->error);
        break;
    case RESPONSE:
        j->status = apx_response_translate(j->translator, NULL, sc->from, sc->to, doc, j->len, &out, &j->error);
        break;
    case TOKENS: {
        int64_t tokens = 0;
        j->status = apx_count_tokens(j->translator, sc->from, doc, j->len, &tokens, &j->error);
        break;
    }
    case STREAM: {
        apx_stream *s = NULL;
        j->status = apx_stream_new(j->translator, NULL, sc->from, sc->to, &s, &j->error);
        if (j->status == APX_OK) {
            j->status = apx_stream_feed(s, doc, j->len, 1, &out, &j->error);
            apx_stream_free(s);
        }
        break;
    }
    }
    apx_output_free(&out);
    return NULL;
}

enum { PAINT = 0xA5 };

/* Runs one job on a painted stack of `size` bytes; returns the bytes of stack it touched. */
static size_t on_small_stack(job *j, size_t size) {
    void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack == MAP_FAILED) { perror("mmap"); exit(2); }
    memset(stack, PAINT, size);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (pthread_attr_setstack(&attr, stack, size) != 0) { fprintf(stderr, "pthread_attr_setstack failed\n"); exit(2); }
    pthread_t th;
    if (pthread_create(&th, &attr, run, j) != 0) { fprintf(stderr, "pthread_create failed\n"); exit(2); }
    pthread_join(th, NULL);
    pthread_attr_destroy(&attr);
    /* The stack grows down: the lowest byte no longer painted is the high-water mark. */
    const unsigned char *p = stack;
    size_t untouched = 0;
    while (untouched < size && p[untouched] == PAINT) untouched++;
    munmap(stack, size);
    return size - untouched;
}

int main(void) {
    size_t kib = 128;
    const char *env = getenv("APX_STACK_KIB");
    if (env && atoi(env) > 0) kib = (size_t)atoi(env);
    apx_translator *t = NULL;
    apx_error e;
    if (apx_translator_new(NULL, 0, &t, &e) != APX_OK) { fprintf(stderr, "translator: %s\n", e.message); return 2; }
    size_t worst = 0;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        const scenario *sc = &scenarios[i];
        const size_t depths[] = {(size_t)(512 - sc->wrapper), 100000};
        for (int d = 0; d < 2; d++) {
            buf doc = nested(sc->prefix, depths[d], sc->suffix);
            job j = {.translator = t, .sc = sc, .doc = doc.p, .len = doc.len};
            size_t used = on_small_stack(&j, kib * 1024);
            if (used > worst) worst = used;
            printf("%-40s depth %6zu: status %d, stack %zu bytes\n", sc->name,
                   depths[d] + (size_t)sc->wrapper, (int)j.status, used);
            if (d == 0 && j.status != APX_OK)
                FAIL("%s at the depth limit: status %d: %s", sc->name, (int)j.status, j.error.message);
            if (d == 1 && sc->structural && (j.status != APX_ERR_LIMIT || j.error.offset < 0))
                FAIL("%s 100000 deep: want APX_ERR_LIMIT with an offset, got %d (offset %lld): %s", sc->name,
                     (int)j.status, (long long)j.error.offset, j.error.message);
            if (d == 1 && sc->structural && j.error.offset != (int64_t)(strlen(sc->prefix) + 512 - (size_t)sc->wrapper))
                FAIL("%s 100000 deep: offset %lld is not that of the 513th bracket", sc->name, (long long)j.error.offset);
            free(doc.p);
        }
    }
    apx_translator_free(t);
    printf("small-stack: most stack used by one call: %zu bytes of %zu\n", worst, kib * 1024);
    if (failures) fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
