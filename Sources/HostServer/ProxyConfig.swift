import NIOHTTP1

/// One immutable snapshot of what the config file (or the environment) says: routes with their
/// upstreams, keys and fallbacks, the clients and their limits, the cache settings, the admin
/// key. `ProxyApp` swaps the whole snapshot on reload; a request takes the snapshot once when it
/// starts and keeps it to its end, so in-flight requests finish on the config they began with.
final class ProxyConfig: Sendable {
    /// A client from `clients:`; `limits` nil for the unlimited PROXY_API_KEY.
    struct Client: Sendable {
        let name: String
        let key: String
        let limits: ClientLimits
    }

    enum Admission {
        case allowed(Client?)
        case denied
    }

    let routes: RouteTable
    /// Nil without `clients:` (then PROXY_API_KEY alone decides).
    let clients: [Client]?
    let proxyAPIKey: String?
    let cache: ProxyConfigFile.CacheEntry?
    let adminKey: String?
    /// The answers cached under this snapshot (a reload starts an empty cache).
    let responseCache: ResponseCache?

    init(routes: RouteTable, clients: [Client]? = nil, proxyAPIKey: String?, cache: ProxyConfigFile.CacheEntry? = nil,
         adminKey: String? = nil) {
        self.routes = routes
        self.clients = clients
        self.proxyAPIKey = proxyAPIKey
        self.cache = cache
        self.adminKey = adminKey
        responseCache = cache.map { ResponseCache(ttlSeconds: $0.ttlSeconds, maxBytes: $0.maxBytes) }
    }

    /// Whether any client must present a key.
    var requiresKey: Bool { proxyAPIKey != nil || clients != nil }

    /// Who is calling, from the key on the request head. With `clients:`, one of their keys or
    /// PROXY_API_KEY (unlimited) is needed; without, PROXY_API_KEY when it is set.
    func admit(_ headers: HTTPHeaders) -> Admission {
        guard let clients else {
            return ClientAuth.allowed(headers, expected: proxyAPIKey) ? .allowed(nil) : .denied
        }
        guard let given = ClientAuth.presentedKey(headers) else { return .denied }
        var found: Client?
        // Every key is compared (constant time each): the time does not say which one matched.
        for c in clients where ClientAuth.equal(given, c.key) && found == nil { found = c }
        if let found { return .allowed(found) }
        if let proxyAPIKey, ClientAuth.equal(given, proxyAPIKey) { return .allowed(nil) }
        return .denied
    }

    /// Whether the request carries the admin key (POST /admin/reload).
    func isAdmin(_ headers: HTTPHeaders) -> Bool {
        guard let adminKey, let given = ClientAuth.presentedKey(headers) else { return false }
        return ClientAuth.equal(given, adminKey)
    }
}
