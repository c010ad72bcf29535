import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// `apxlate serve`: the translating HTTP proxy.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the translating HTTP proxy (Anthropic Messages <-> OpenAI Chat Completions / Responses).",
        discussion: """
        Endpoints: POST /v1/messages (also ?beta=true), POST /v1/messages/count_tokens, \
        POST /v1/chat/completions, POST /v1/responses, GET /v1/models, GET /health, GET /metrics.

        Without --config the routes come from the environment: OPENAI_API_KEY, OPENAI_BASE_URL \
        (default https://api.openai.com/v1), BIG_MODEL (opus and sonnet, default gpt-4o), \
        MIDDLE_MODEL (sonnet), SMALL_MODEL (haiku, default gpt-4o-mini), ANTHROPIC_API_KEY and \
        ANTHROPIC_BASE_URL (claude* names go to Anthropic when ANTHROPIC_API_KEY is set and \
        BIG_MODEL is not). HOST and PORT give the defaults of --host and --port; PROXY_API_KEY is \
        the key clients must send (x-api-key or Authorization: Bearer).
        """
    )

    @Option(help: "Address to listen on (env HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env PORT, default 8082).")
    var port: Int?

    @Option(help: "YAML config file with upstreams and routes (see apxlate.example.yaml).")
    var config: String?

    @Option(help: "Environment variable holding the key clients must present.")
    var proxyKeyEnv: String = "PROXY_API_KEY"

    @Flag(help: "Send the client's own key (x-api-key or Bearer) to upstreams that have no key of their own.")
    var passClientKey = false

    @Flag(help: "Allow listening on a non-loopback address without a client key.")
    var allowUnauthenticated = false

    @Option(help: "Largest request body accepted, in bytes (larger gets 413, before the body is read when Content-Length says so).")
    var maxBodyBytes: Int = 32 * 1024 * 1024

    @Option(help: "Largest non-streaming upstream response held in memory, in bytes (larger gets 502).")
    var maxResponseBytes: Int = 256 * 1024 * 1024

    @Option(help: "Upstream connect timeout, in seconds.")
    var connectTimeout: Double = 10

    @Option(help: "Longest upstream silence (before the response or between stream chunks), in seconds (504 or a stream error event).")
    var idleTimeout: Double = 600

    @Option(help: "Retries of an upstream 429 before the first byte reaches the client (0 disables).")
    var retries: Int = 2

    @Option(help: "Longest wait before a retry, in seconds; a longer Retry-After returns the 429.")
    var retryMaxDelay: Double = 30

    @Option(help: "On SIGTERM/SIGINT, how long to let in-flight requests finish, in seconds.")
    var drainTimeout: Double = 30

    @Option(help: "Longest a client may take to send a request head, in seconds (then the connection is closed).")
    var clientHeaderTimeout: Double = 10

    @Option(help: "Longest a client may take to send a request body, in seconds (then 408).")
    var clientBodyTimeout: Double = 60

    @Option(help: "Longest a kept-alive client connection may wait for its next request, and longest a client may leave a response unread, in seconds.")
    var clientIdleTimeout: Double = 60

    @Option(help: "Most client connections open at once; more get 503 (default: what the open-file limit allows, each request also holding an upstream connection).")
    var maxConnections: Int?

    @Option(help: "Event loop threads (default: one per core); each also runs the curl engine of its connections' upstream transfers.")
    var threads: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(help: "Log libcurl's upstream traffic (headers are shown: for debugging only).")
    var curlVerbose = false

    func run() throws {
        MallocTuning.apply()
        let env = ProcessInfo.processInfo.environment
        var settings = ServerSettings()
        settings.host = host ?? env["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        if let p = port ?? env["PORT"].flatMap({ Int($0) }) { settings.port = p }
        settings.proxyAPIKey = env[proxyKeyEnv].flatMap { $0.isEmpty ? nil : $0 }
        do throws(OptionError) {
            // ByteBuffer holds at most 4 GiB; a body limit is far below that.
            settings.maxBodyBytes = try Self.check(maxBodyBytes, "--max-body-bytes", 1...(1 << 31))
            settings.maxResponseBytes = try Self.check(maxResponseBytes, "--max-response-bytes", 1...(1 << 40))
            settings.connectTimeoutMs = try Self.milliseconds(connectTimeout, "--connect-timeout")
            settings.idleTimeoutMs = try Self.milliseconds(idleTimeout, "--idle-timeout")
            settings.retries = try Self.check(retries, "--retries", 0...100)
            settings.retryMaxDelayMs = try Self.milliseconds(retryMaxDelay, "--retry-max-delay")
            settings.drainTimeoutMs = try Self.milliseconds(drainTimeout, "--drain-timeout")
            settings.clientHeaderTimeoutMs = try Self.milliseconds(clientHeaderTimeout, "--client-header-timeout")
            settings.clientBodyTimeoutMs = try Self.milliseconds(clientBodyTimeout, "--client-body-timeout")
            settings.clientIdleTimeoutMs = try Self.milliseconds(clientIdleTimeout, "--client-idle-timeout")
            if let maxConnections { _ = try Self.check(maxConnections, "--max-connections", 1...10_000_000) }
            if let threads { _ = try Self.check(threads, "--threads", 1...1024) }
        } catch {
            FileIO.warn("apxlate: \(error.message)")
            throw ExitCode(2)
        }
        settings.eventLoopThreads = threads ?? ServeCommand.defaultEventLoops(cores: System.coreCount)
        settings.curlVerbose = curlVerbose
        let files = OpenFileLimit.raise()
        let allowed = OpenFileLimit.connections(allowedBy: files.after)
        settings.maxConnections = maxConnections ?? allowed

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "apxlate")

        // Off loopback a client key is needed: PROXY_API_KEY, or `clients:` in the config file.
        let keyMissingOffLoopback = settings.proxyAPIKey == nil && !allowUnauthenticated && !Self.isLoopback(settings.host)
        let refusal = "apxlate: refusing to listen on \(settings.host) without a client key: set \(proxyKeyEnv) (or `clients:` in the config) or pass --allow-unauthenticated"
        let snapshot: ProxyConfig
        var loader: (() throws(ConfigError) -> ProxyConfig)?
        do {
            if let config {
                let (port, pass, keyEnv) = (settings.port, passClientKey, proxyKeyEnv)
                // A reload reads the file, its env_file and the environment again.
                let load = { () throws(ConfigError) -> ProxyConfig in
                    try RouteConfig.fromFile(config, env: ProcessInfo.processInfo.environment, listenPort: port,
                                             passClientKey: pass, proxyKeyEnv: keyEnv)
                }
                snapshot = try load()
                loader = load
            } else {
                let routes = try RouteConfig.fromEnvironment(env, listenPort: settings.port, passClientKey: passClientKey) { logger.warning("\($0)") }
                snapshot = ProxyConfig(routes: routes, proxyAPIKey: settings.proxyAPIKey)
            }
        } catch {
            // Off loopback without a key, that refusal comes first (the file may not even exist).
            FileIO.warn(keyMissingOffLoopback ? refusal : "apxlate: \(error)")
            throw ExitCode(2)
        }
        guard snapshot.requiresKey || !keyMissingOffLoopback else {
            FileIO.warn(refusal)
            throw ExitCode(2)
        }

        let app = try ProxyApp(settings: settings, config: snapshot, engines: CurlEngines(), logger: logger, loader: loader)
        let server = try HTTPServer.start(app: app)
        for r in snapshot.routes.routes {
            logger.info("route", metadata: ["match": .string(r.match.description), "upstream": .string(r.upstream.name),
                                            "url": .string(r.upstream.endpointURL), "format": .string(r.upstream.format.name),
                                            "key": .string(r.upstream.keyPool.map { "\($0.keys.count) keys" } ?? (r.upstream.apiKey == nil ? "none" : "set")),
                                            "fallbacks": .string(r.fallbacks.map(\.upstream.name).joined(separator: ","))])
        }
        logger.info("listening", metadata: ["address": .string("\(settings.host):\(settings.port)"),
                                            "client_auth": .string(snapshot.clients != nil ? "clients" : (snapshot.proxyAPIKey == nil ? "off" : "on"))])
        logger.info("open-file limit \(files.after) (was \(files.before)): up to \(settings.maxConnections) client connections",
                    metadata: ["max_connections": .stringConvertible(settings.maxConnections),
                               "allowed_by_file_limit": .stringConvertible(allowed)])
        if settings.maxConnections > allowed {
            logger.warning("--max-connections is above what the open-file limit allows: past \(allowed), new clients may get 503 from the descriptor guard")
        }
        server.waitForShutdownSignal()
    }

    /// One loop per core: each loop also drives the curl engine of its own transfers (the
    /// engine's watcher thread only sleeps in epoll_wait), so no core is set aside for curl.
    static func defaultEventLoops(cores: Int) -> Int {
        max(1, cores)
    }

    /// Whether `host` is a loopback address: `localhost`, `::1` or an IPv4 literal in
    /// 127.0.0.0/8 (parsed, so `127.0.0.1.example.com` is a name, not loopback).
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { b in b.prefix(15).allSatisfy { $0 == 0 } && b[15] == 1 }
        }
        return false
    }

    struct OptionError: Error {
        var message: String
    }

    static func check(_ v: Int, _ name: String, _ range: ClosedRange<Int>) throws(OptionError) -> Int {
        guard range.contains(v) else { throw OptionError(message: "\(name) must be between \(range.lowerBound) and \(range.upperBound), not \(v)") }
        return v
    }

    /// Seconds from the command line as milliseconds (finite, 0 to 10 days: never a trapping conversion).
    static func milliseconds(_ seconds: Double, _ name: String) throws(OptionError) -> Int {
        guard seconds.isFinite, seconds >= 0, seconds <= 864_000 else {
            throw OptionError(message: "\(name) must be a number of seconds between 0 and 864000, not \(seconds)")
        }
        return Int(seconds * 1000)
    }
}
