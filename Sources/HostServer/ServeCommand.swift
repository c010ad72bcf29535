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

    @Option(help: "Largest request body accepted, in bytes (larger gets 413).")
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

    @Option(help: "Event loop threads for client connections (default: cores - 1, or 2 on a 2-core machine; the upstream engine has its own thread).")
    var threads: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(help: "Log libcurl's upstream traffic (headers are shown: for debugging only).")
    var curlVerbose = false

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        var settings = ServerSettings()
        settings.host = host ?? env["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        if let p = port ?? env["PORT"].flatMap({ Int($0) }) { settings.port = p }
        settings.proxyAPIKey = env[proxyKeyEnv].flatMap { $0.isEmpty ? nil : $0 }
        settings.maxBodyBytes = maxBodyBytes
        settings.maxResponseBytes = maxResponseBytes
        settings.connectTimeoutMs = Int(connectTimeout * 1000)
        settings.idleTimeoutMs = Int(idleTimeout * 1000)
        settings.retries = max(0, retries)
        settings.retryMaxDelayMs = Int(retryMaxDelay * 1000)
        settings.drainTimeoutMs = Int(drainTimeout * 1000)
        settings.eventLoopThreads = max(1, threads ?? ServeCommand.defaultEventLoops(cores: System.coreCount))
        settings.curlVerbose = curlVerbose

        guard settings.proxyAPIKey != nil || allowUnauthenticated || Self.isLoopback(settings.host) else {
            FileIO.warn("apxlate: refusing to listen on \(settings.host) without a client key: set \(proxyKeyEnv) or pass --allow-unauthenticated")
            throw ExitCode(2)
        }

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "apxlate")

        let routes: RouteTable
        do {
            if let config {
                routes = try RouteConfig.fromFile(config, env: env, listenPort: settings.port, passClientKey: passClientKey)
            } else {
                routes = try RouteConfig.fromEnvironment(env, listenPort: settings.port, passClientKey: passClientKey) { logger.warning("\($0)") }
            }
        } catch {
            FileIO.warn("apxlate: \(error)")
            throw ExitCode(2)
        }

        let engine = CurlEngine()
        engine.start()
        let app = try ProxyApp(settings: settings, routes: routes, engine: engine, logger: logger)
        let server = try HTTPServer.start(app: app)
        for r in routes.routes {
            logger.info("route", metadata: ["match": .string(r.match.description), "upstream": .string(r.upstream.name),
                                            "url": .string(r.upstream.endpointURL), "format": .string(r.upstream.format.name),
                                            "key": .string(r.upstream.apiKey == nil ? "none" : "set")])
        }
        logger.info("listening", metadata: ["address": .string("\(settings.host):\(settings.port)"),
                                            "client_auth": .string(settings.proxyAPIKey == nil ? "off" : "on")])
        server.waitForShutdownSignal()
        engine.stop()
    }

    /// cores - 1 leaves a core to the curl engine thread; on 2 cores that serializes every
    /// request's translation on one loop while the engine thread is mostly idle, and 2 loops
    /// measured 20-37% more requests/s (Tests/bench/proxy_bench.sh) at the same CPU per request.
    static func defaultEventLoops(cores: Int) -> Int {
        cores > 2 ? cores - 1 : max(1, cores)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
