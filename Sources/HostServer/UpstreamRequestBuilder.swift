import NIOHTTP1

/// The upstream request of a proxied call: the route's endpoint, the translated body, and the
/// headers the upstream's format wants (key, Anthropic version and beta, SSE accept).
struct UpstreamRequestBuilder {
    var upstream: Upstream
    var clientFormat: WireFormat
    var settings: ServerSettings

    /// The key sent upstream: the upstream's own, or the client's when the route passes it on.
    func key(clientHeaders: HTTPHeaders) -> String? {
        upstream.apiKey ?? (upstream.passClientKey ? ClientAuth.presentedKey(clientHeaders) : nil)
    }

    func request(body: UpstreamBody, stream: Bool, key: String?, clientHeaders: HTTPHeaders) -> UpstreamRequest {
        UpstreamRequest(url: upstream.endpointURL, headers: headers(stream: stream, key: key, clientHeaders: clientHeaders),
                        body: body, connectTimeoutMs: settings.connectTimeoutMs, caFile: upstream.caFile,
                        verbose: settings.curlVerbose)
    }

    func headers(stream: Bool, key: String?, clientHeaders: HTTPHeaders) -> [String] {
        var h = ["Content-Type: application/json"]
        if stream { h.append("Accept: text/event-stream") }
        switch upstream.format {
        case .anthropic:
            if let key { h.append("x-api-key: " + key) }
            let version = clientFormat == .anthropic ? clientHeaders.first(name: "anthropic-version") : nil
            h.append("anthropic-version: " + (version ?? "2023-06-01"))
            if clientFormat == .anthropic, let beta = clientHeaders.first(name: "anthropic-beta") { h.append("anthropic-beta: " + beta) }
        case .openaiChat, .openaiResponses:
            if let key { h.append("Authorization: Bearer " + key) }
        }
        return h + upstream.headers
    }
}
