import Logging
import NIOConcurrencyHelpers

/// What every connection shares: settings, the current config snapshot, the upstream engine,
/// metrics, the logger, the client limiter.
final class ProxyApp: @unchecked Sendable {
    let settings: ServerSettings
    /// The upstream engines, one per event loop (attached when the loops exist).
    let engines: CurlEngines
    let metrics = Metrics()
    /// Counters of reloads, keys, fallbacks, limits and the cache (rendered after `metrics`).
    let featureMetrics = FeatureMetrics()
    let logger: Logger
    /// A default translator for local answers that need no route (count_tokens fallback).
    let plainTranslator: APXTranslator
    /// Per-client usage, kept across reloads (by client name).
    let limiter = ClientLimiter()
    private let current: NIOLockedValueBox<ProxyConfig>
    /// Builds a new snapshot from the config file (nil: routes from the environment, nothing to re-read).
    private let loader: (() throws(ConfigError) -> ProxyConfig)?
    private let reloadLock = NIOLock()
    private let ids = NIOLockedValueBox<UInt64>(0)
    private let idPrefix: String

    init(settings: ServerSettings, config: ProxyConfig, engines: CurlEngines, logger: Logger,
         loader: (() throws(ConfigError) -> ProxyConfig)? = nil) throws(APXError) {
        self.settings = settings
        self.current = NIOLockedValueBox(config)
        self.loader = loader
        self.engines = engines
        self.logger = logger
        self.plainTranslator = try APXTranslator(config: [])
        idPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// The config snapshot for a request starting now (take it once per request).
    var config: ProxyConfig { current.withLockedValue { $0 } }

    var routes: RouteTable { config.routes }

    /// Re-reads the config file and its keys and swaps the snapshot; on a mistake keeps the old
    /// one and returns the error (logged with its file, line and key path).
    @discardableResult
    func reload(trigger: String) -> ConfigError? {
        guard let loader else {
            logger.notice("config reload: no config file (routes come from the environment); nothing to reload")
            featureMetrics.reloaded(ok: true)
            return nil
        }
        return reloadLock.withLock { () -> ConfigError? in
            do throws(ConfigError) {
                let next = try loader()
                current.withLockedValue { $0 = next }
                featureMetrics.reloaded(ok: true)
                logger.notice("config reloaded", metadata: ["trigger": .string(trigger), "routes": .stringConvertible(next.routes.routes.count)])
                return nil
            } catch {
                featureMetrics.reloaded(ok: false)
                logger.error("config reload refused, keeping the running config: \(error)", metadata: ["trigger": .string(trigger)])
                return error
            }
        }
    }

    /// A short unique request id ("req_<process>_<counter>") for logs and the x-request-id header.
    func nextRequestID() -> String {
        let n = ids.withLockedValue { v -> UInt64 in v += 1; return v }
        return "req_\(idPrefix)_\(String(n, radix: 16))"
    }
}
