/// Everything `apxlate serve` was told, resolved from options and environment.
struct ServerSettings: Sendable {
    var host = "127.0.0.1"
    var port = 8082
    /// The key clients must present (x-api-key or Authorization: Bearer); nil = no client auth.
    var proxyAPIKey: String?
    var maxBodyBytes = 32 * 1024 * 1024
    /// Largest non-streaming upstream answer held in memory (streams are never held).
    var maxResponseBytes = 256 * 1024 * 1024
    var connectTimeoutMs = 10_000
    /// Longest silence from the upstream (before the head, or between chunks) before giving up.
    var idleTimeoutMs = 600_000
    /// How many times a 429 is retried before the first byte reaches the client.
    var retries = 2
    /// Longest wait before a retry (a longer Retry-After returns the 429 to the client).
    var retryMaxDelayMs = 30_000
    var drainTimeoutMs = 30_000
    var eventLoopThreads = 1
    var curlVerbose = false
    /// Longest a client may take to send a request head (from the connection's start, or from
    /// the first byte of a request on a kept-alive connection).
    var clientHeaderTimeoutMs = 10_000
    /// Longest a client may take to send a request body, in total (a trickled body ends here).
    var clientBodyTimeoutMs = 60_000
    /// Longest a kept-alive connection may wait for its next request, and longest a client may
    /// leave a response it asked for unread.
    var clientIdleTimeoutMs = 60_000
    /// Most client connections open at once; more are answered 503 and closed.
    var maxConnections = 1024
    /// After refusing a request (401, 413, 408), how long its unread body is discarded before the
    /// connection closes: lets a client that sent no `Expect` read the answer instead of a reset.
    var lingerMs = 2_000
}
