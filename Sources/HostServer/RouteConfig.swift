import Foundation

/// Builds the route table from the environment (defaults) or a YAML config file.
enum RouteConfig {
    /// Translator configuration JSON for a route: {"models": ..., "upstream": quirks, "client": ...}.
    static func translatorJSON(models: [String: ConfigJSON], quirks: [String: ConfigJSON], client: [String: ConfigJSON]) throws -> [UInt8] {
        var root: [String: ConfigJSON] = [:]
        if !models.isEmpty { root["models"] = .object(models) }
        if !quirks.isEmpty { root["upstream"] = .object(quirks) }
        if !client.isEmpty { root["client"] = .object(client) }
        return try ConfigJSON.object(root).bytes()
    }

    /// Defaults from the environment, so that `apxlate serve` works with nothing else:
    /// - `claude*` names go to Anthropic when ANTHROPIC_API_KEY is set and BIG_MODEL is not;
    /// - everything else goes to the OpenAI-compatible upstream (OPENAI_BASE_URL, OPENAI_API_KEY)
    ///   with opus → BIG_MODEL, sonnet → MIDDLE_MODEL, haiku → SMALL_MODEL;
    ///   or to Anthropic when only ANTHROPIC_API_KEY is set.
    static func fromEnvironment(_ env: [String: String], listenPort: Int, passClientKey: Bool = false,
                                warn: (String) -> Void) throws -> RouteTable {
        func value(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        let openai = Upstream(name: "openai", baseURL: value("OPENAI_BASE_URL") ?? "https://api.openai.com/v1",
                              format: .openaiChat, apiKey: value("OPENAI_API_KEY"), passClientKey: passClientKey)
        var anthropicBase = value("ANTHROPIC_BASE_URL") ?? "https://api.anthropic.com"
        if pointsAtSelf(anthropicBase, port: listenPort) {
            warn("ignoring ANTHROPIC_BASE_URL=\(anthropicBase): it points at this proxy; using https://api.anthropic.com")
            anthropicBase = "https://api.anthropic.com"
        }
        let anthropic = Upstream(name: "anthropic", baseURL: anthropicBase, format: .anthropic, apiKey: value("ANTHROPIC_API_KEY"),
                                 passClientKey: passClientKey)
        let big = value("BIG_MODEL")
        var models: [String: ConfigJSON] = ["big": .string(big ?? "gpt-4o"), "small": .string(value("SMALL_MODEL") ?? "gpt-4o-mini")]
        if let middle = value("MIDDLE_MODEL") { models["middle"] = .string(middle) }
        var routes: [Route] = []
        let hasOpenAI = openai.apiKey != nil || value("OPENAI_BASE_URL") != nil
        if anthropic.apiKey != nil && big == nil {
            routes.append(try Route(match: .glob("claude*"), upstream: anthropic,
                                    translatorConfig: try translatorJSON(models: [:], quirks: [:], client: [:]), advertisedModels: []))
        }
        if hasOpenAI || anthropic.apiKey == nil {
            let advertised = [models["big"], models["middle"], models["small"]].compactMap { $0?.stringValue }
            routes.append(try Route(match: .glob("*"), upstream: openai,
                                    translatorConfig: try translatorJSON(models: models, quirks: [:], client: [:]),
                                    advertisedModels: Array(Set(advertised)).sorted()))
        } else {
            routes.append(try Route(match: .glob("*"), upstream: anthropic,
                                    translatorConfig: try translatorJSON(models: [:], quirks: [:], client: [:]), advertisedModels: []))
        }
        return RouteTable(routes)
    }

    /// Whether a base URL is this proxy itself (a common mistake: ANTHROPIC_BASE_URL exported
    /// for Claude Code in the shell that starts the proxy).
    static func pointsAtSelf(_ url: String, port: Int) -> Bool {
        let lower = url.lowercased()
        return ["127.0.0.1", "localhost", "[::1]", "0.0.0.0"].contains { lower.contains("://\($0):\(port)") }
    }

    /// Loads the config file (see apxlate.example.yaml) into a snapshot: upstreams with their
    /// keys, routes with their fallbacks, clients, cache, admin key. The keys come from `env`
    /// with `env_file:` read over it. Every mistake is a `ConfigError` naming the file, line and
    /// key path (a reload that hits one keeps the old snapshot).
    static func fromFile(_ path: String, env processEnv: [String: String], listenPort: Int, passClientKey: Bool = false,
                         proxyKeyEnv: String = "PROXY_API_KEY") throws(ConfigError) -> ProxyConfig {
        let file = try ProxyConfigFile.read(path)
        var env = processEnv
        if let envFile = file.envFile, let node = file.fields["env_file"] {
            env.merge(try EnvFile.read(envFile, from: node)) { $1 }
        }
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        var upstreams: [String: (upstream: Upstream, quirks: [String: ConfigJSON])] = [:]
        for u in file.upstreams {
            if pointsAtSelf(u.baseURL, port: listenPort) { throw try u.fields.required("base_url").error("points at this proxy") }
            if let quirks = u.quirks { try check(["upstream": quirks], of: u.fields.owner) }
            var key = u.apiKeyEnv.flatMap(value)
            if key == nil, let literal = u.apiKey, !literal.isEmpty { key = literal }
            var pool: KeyPool?
            // Unset variables are skipped (a key removed from env_file leaves the turn at the
            // next reload); none set is no key, as with an unset api_key_env.
            let keys = u.apiKeysEnv.compactMap { name in value(name).map { KeyPool.Key(id: name, value: $0) } }
            if !keys.isEmpty { pool = KeyPool(keys: keys) }
            var up = Upstream(name: u.name, baseURL: u.baseURL, format: u.format, apiKey: key,
                              passClientKey: passClientKey || u.passClientKey, headers: u.headers, caFile: u.caFile)
            up.keyPool = pool
            upstreams[u.name] = (up, u.quirks?.values ?? [:])
        }
        let defined = file.upstreams.map(\.name).joined(separator: ", ")
        var routes: [Route] = []
        for r in file.routes {
            guard let target = upstreams[r.upstream] else {
                throw try r.fields.required("upstream").error("no upstream named `\(r.upstream)` (defined: \(defined))")
            }
            var own: [String: TranslatorSection] = [:]
            if let models = r.models { own["models"] = models }
            if let quirks = r.quirks { own["upstream"] = quirks }
            if let client = r.client { own["client"] = client }
            if !own.isEmpty { try check(own, of: r.fields.owner) }
            var models = r.models?.values ?? [:]
            if let model = r.model { models["default"] = .string(model) }
            let quirks = target.quirks.merging(r.quirks?.values ?? [:]) { $1 }
            var advertised = models.values.compactMap(\.stringValue)
            if case .object(let map)? = models["map"] { advertised += map.values.compactMap(\.stringValue) }
            var fallbacks: [RouteTarget] = []
            for fb in r.fallbacks {
                guard let other = upstreams[fb.upstream] else {
                    throw try fb.fields.required("upstream").error("no upstream named `\(fb.upstream)` (defined: \(defined))")
                }
                // The fallback upstream's own quirks; the route's model mapping unless a model is given.
                var fbModels = models
                if let m = fb.model { fbModels = ["default": .string(m)]; advertised.append(m) }
                do {
                    let json = try translatorJSON(models: fbModels, quirks: other.quirks, client: r.client?.values ?? [:])
                    fallbacks.append(try RouteTarget(upstream: other.upstream, translatorConfig: json))
                } catch {
                    throw fb.fields.owner.error("translator configuration rejected: \(error)")
                }
            }
            do {
                let json = try translatorJSON(models: models, quirks: quirks, client: r.client?.values ?? [:])
                routes.append(try Route(match: r.match, upstream: target.upstream, translatorConfig: json,
                                        advertisedModels: Array(Set(advertised)).sorted(), fallbacks: fallbacks))
            } catch {
                throw r.fields.owner.error("translator configuration rejected: \(error)")
            }
        }
        var clients: [ProxyConfig.Client]?
        if let entries = file.clients {
            var list: [ProxyConfig.Client] = []
            var seenKeys: Set<String> = []
            for c in entries {
                let node = try c.fields.required("key_env")
                guard let key = value(c.keyEnv) else { throw node.error("\(c.keyEnv) is not set") }
                guard seenKeys.insert(key).inserted else { throw node.error("two clients have the same key") }
                list.append(ProxyConfig.Client(name: c.name, key: key, limits: c.limits))
            }
            clients = list
        }
        var adminKey: String?
        if let name = file.adminKeyEnv, let node = file.fields["admin"] {
            guard let k = value(name) else { throw node.error("\(name) (admin.key_env) is not set") }
            adminKey = k
        }
        return ProxyConfig(routes: RouteTable(routes), clients: clients, proxyAPIKey: value(proxyKeyEnv), cache: file.cache,
                           adminKey: adminKey)
    }

    /// Has the library check sections of an upstream or route (keyed by their name in the
    /// translator configuration) and reports a rejection at the file's key.
    private static func check(_ sections: [String: TranslatorSection], of owner: ConfigNode) throws(ConfigError) {
        do {
            _ = try APXTranslator(config: try ConfigJSON.object(sections.mapValues { .object($0.values) }).bytes())
        } catch let e as APXError {
            let library = sections.keys.first { e.path == $0 || e.path.hasPrefix($0 + ".") }
            guard let library, let section = sections[library] else { throw owner.error(e.description) }
            throw section.error(for: e, library: library)
        } catch {
            throw owner.error("\(error)")
        }
    }
}
