import Logging
import NIOConcurrencyHelpers

/// What every connection shares: settings, routes, the upstream engine, metrics, the logger.
final class ProxyApp: @unchecked Sendable {
    let settings: ServerSettings
    let routes: RouteTable
    let engine: CurlEngine
    let metrics = Metrics()
    let logger: Logger
    /// A default translator for local answers that need no route (count_tokens fallback).
    let plainTranslator: APXTranslator
    private let ids = NIOLockedValueBox<UInt64>(0)
    private let idPrefix: String

    init(settings: ServerSettings, routes: RouteTable, engine: CurlEngine, logger: Logger) throws(APXError) {
        self.settings = settings
        self.routes = routes
        self.engine = engine
        self.logger = logger
        self.plainTranslator = try APXTranslator(config: [])
        idPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// A short unique request id ("req_<process>_<counter>") for logs and the x-request-id header.
    func nextRequestID() -> String {
        let n = ids.withLockedValue { v -> UInt64 in v += 1; return v }
        return "req_\(idPrefix)_\(String(n, radix: 16))"
    }
}
