import Foundation
import Yams

/// The proxy's YAML config file (see apxlate.example.yaml) as typed values, read strictly:
/// an unknown key or a value of the wrong type is an error naming its key path and line.
/// The translator sections (`quirks`, `models`, `client`) are checked by the library when
/// `RouteConfig` builds the routes.
struct ProxyConfigFile {
    struct UpstreamEntry {
        var name: String
        var baseURL: String
        var format: WireFormat
        var apiKeyEnv: String?
        /// `api_keys_env`: several keys, used in turn (KeyPool); exclusive with the two above.
        var apiKeysEnv: [String]
        var apiKey: String?
        var passClientKey: Bool
        var headers: [String]
        var caFile: String?
        /// The translator's "upstream" section for every route to this upstream.
        var quirks: TranslatorSection?
        var fields: ConfigFields
    }

    struct RouteEntry {
        var match: Route.Match
        var upstream: String
        /// The upstream model to send (the translator's `models.default`).
        var model: String?
        var models: TranslatorSection?
        var quirks: TranslatorSection?
        var client: TranslatorSection?
        /// Tried in order when the upstream fails before a byte reached the client.
        var fallbacks: [FallbackEntry]
        var fields: ConfigFields
    }

    struct FallbackEntry {
        var upstream: String
        /// The model for that upstream (default: the route's model mapping).
        var model: String?
        var fields: ConfigFields
    }

    /// `clients:` entries: who may call the proxy, and how much.
    struct ClientEntry {
        var name: String
        var keyEnv: String
        var limits: ClientLimits
        var fields: ConfigFields
    }

    /// `cache:`: identical non-streaming answers served from memory.
    struct CacheEntry {
        var ttlSeconds: Int
        var maxBytes: Int
    }

    var upstreams: [UpstreamEntry]
    var routes: [RouteEntry]
    /// Nil: no `clients:` (PROXY_API_KEY alone decides, no limits).
    var clients: [ClientEntry]?
    var cache: CacheEntry?
    /// `admin: {key_env: NAME}`: the key POST /admin/reload needs (no key: no admin endpoint).
    var adminKeyEnv: String?
    /// `env_file:`: NAME=value lines read at start and at every reload, over the environment
    /// (how keys change without a restart: the process environment cannot).
    var envFile: String?
    var fields: ConfigFields

    static func read(_ path: String) throws(ConfigError) -> ProxyConfigFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, path: "", message: "cannot read: \(error.localizedDescription)")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigError(file: path, path: "", message: "not valid YAML: \(error)")
        }
        guard let root else { throw ConfigError(file: path, path: "", message: "empty; expected `upstreams` and `routes`") }
        return try ProxyConfigFile(ConfigNode(node: root, path: "", file: path))
    }

    init(_ root: ConfigNode) throws(ConfigError) {
        let top = try root.fields(["upstreams", "routes", "clients", "cache", "admin", "env_file"])
        fields = top
        let ups = try top.required("upstreams").entries()
        guard !ups.isEmpty else { throw try top.required("upstreams").error("expected at least one upstream") }
        upstreams = []
        for (name, node) in ups { upstreams.append(try Self.upstream(name: name, node)) }
        let list = try top.required("routes").sequence()
        guard !list.isEmpty else { throw try top.required("routes").error("expected at least one route") }
        routes = []
        for node in list { routes.append(try Self.route(node)) }
        if let node = top["clients"] {
            var seenNames: Set<String> = []
            var list: [ClientEntry] = []
            for item in try node.sequence() {
                let c = try Self.client(item)
                guard seenNames.insert(c.name).inserted else { throw try c.fields.required("name").error("duplicate client name") }
                list.append(c)
            }
            guard !list.isEmpty else { throw node.error("expected at least one client (or no `clients:` at all)") }
            clients = list
        }
        if let node = top["cache"] {
            let f = try node.fields(["ttl_seconds", "max_bytes"])
            cache = CacheEntry(ttlSeconds: try f.required("ttl_seconds").int(1...31_536_000),
                               maxBytes: try f.required("max_bytes").int(1...(1 << 40)))
        }
        if let node = top["admin"] {
            adminKeyEnv = try node.fields(["key_env"]).required("key_env").nonEmptyString()
        }
        envFile = try top["env_file"]?.nonEmptyString()
    }

    private static func client(_ node: ConfigNode) throws(ConfigError) -> ClientEntry {
        let f = try node.fields(["name", "key_env", "limits"])
        var limits = ClientLimits()
        if let l = try f["limits"]?.fields(["requests_per_minute", "tokens_per_minute", "concurrent_streams"]) {
            limits.requestsPerMinute = try l["requests_per_minute"]?.int(1...10_000_000)
            limits.tokensPerMinute = try l["tokens_per_minute"]?.int(1...1_000_000_000_000)
            limits.concurrentStreams = try l["concurrent_streams"]?.int(1...10_000_000)
        }
        return ClientEntry(name: try f.required("name").nonEmptyString(), keyEnv: try f.required("key_env").nonEmptyString(),
                           limits: limits, fields: f)
    }

    private static func upstream(name: String, _ node: ConfigNode) throws(ConfigError) -> UpstreamEntry {
        let f = try node.fields(["base_url", "format", "api_key_env", "api_keys_env", "api_key", "pass_client_key", "headers", "ca_file", "quirks"])
        var apiKeysEnv: [String] = []
        if let list = f["api_keys_env"] {
            if let other = f["api_key_env"] ?? f["api_key"] {
                throw other.error("set either `api_keys_env` (several keys) or `api_key_env`/`api_key`, not both", atKey: true)
            }
            apiKeysEnv = try list.stringList()
        }
        let baseNode = try f.required("base_url")
        let base = try baseNode.string()
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else { throw baseNode.error("expected an http(s) URL") }
        let formatNode = try f.required("format")
        guard let format = WireFormat(name: try formatNode.string()) else {
            throw formatNode.error("expected anthropic, openai-chat or openai-responses")
        }
        var headers: [String] = []
        for (k, v) in try f["headers"]?.entries() ?? [] {
            let text = try v.scalarText()
            guard !k.isEmpty, !k.contains(":"), !k.contains("\n"), !k.contains("\r") else { throw v.error("invalid header name", atKey: true) }
            guard !text.contains("\n"), !text.contains("\r") else { throw v.error("a header value cannot span lines") }
            headers.append("\(k): \(text)")
        }
        var caFile: String?
        if let caNode = f["ca_file"] {
            let path = try caNode.string()
            guard FileManager.default.isReadableFile(atPath: path) else { throw caNode.error("cannot read \(path)") }
            caFile = path
        }
        return UpstreamEntry(name: name, baseURL: base, format: format,
                             apiKeyEnv: try f["api_key_env"]?.nonEmptyString(), apiKeysEnv: apiKeysEnv, apiKey: try f["api_key"]?.string(),
                             passClientKey: try f["pass_client_key"]?.bool() ?? false, headers: headers.sorted(),
                             caFile: caFile, quirks: try f["quirks"].map { n throws(ConfigError) in try TranslatorSection(n) },
                             fields: f)
    }

    private static func route(_ node: ConfigNode) throws(ConfigError) -> RouteEntry {
        let f = try node.fields(["match", "family", "upstream", "model", "models", "quirks", "client", "fallbacks"])
        let match: Route.Match
        switch (f["match"], f["family"]) {
        case (let m?, nil):
            let pattern = try m.nonEmptyString()
            match = pattern.contains("*") ? .glob(pattern) : .exact(pattern)
        case (nil, let w?):
            let word = try w.nonEmptyString()
            guard !word.contains("*") else { throw w.error("a family is a word such as haiku; globs go in `match`") }
            match = .family(word)
        case (_?, let w?):
            throw w.error("a route has either `match` or `family`, not both", atKey: true)
        case (nil, nil):
            throw node.error("needs `match` (a model name or a glob with *) or `family` (a word such as haiku)")
        }
        let models = try f["models"].map { n throws(ConfigError) in try TranslatorSection(n) }
        if let modelNode = f["model"], models?.values["default"] != nil {
            throw modelNode.error("set either `model` or `models.default`, not both", atKey: true)
        }
        var fallbacks: [FallbackEntry] = []
        for item in try f["fallbacks"]?.sequence() ?? [] {
            let ff = try item.fields(["upstream", "model"])
            fallbacks.append(FallbackEntry(upstream: try ff.required("upstream").nonEmptyString(),
                                           model: try ff["model"]?.nonEmptyString(), fields: ff))
        }
        return RouteEntry(match: match, upstream: try f.required("upstream").string(), model: try f["model"]?.nonEmptyString(),
                          models: models,
                          quirks: try f["quirks"].map { n throws(ConfigError) in try TranslatorSection(n) },
                          client: try f["client"].map { n throws(ConfigError) in try TranslatorSection(n) },
                          fallbacks: fallbacks, fields: f)
    }
}
