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
}
