/// OpenAI accepts tool names matching `^[a-zA-Z0-9_-]{1,64}$`; Anthropic allows 128 characters
/// (and clients send dots and slashes for MCP tools). Names that OpenAI would reject are
/// shortened deterministically (same input, same output, in every request of a conversation)
/// and the map restores the original in responses and streams.
public struct ToolNameMap: Sendable {
    /// shortened → original
    public private(set) var originals: [String: String] = [:]
    public init() {}

    /// The name to send to an OpenAI upstream; records the mapping when it differs.
    public mutating func openAISafe(_ name: String) -> String {
        let safe = ToolNameMap.shorten(name)
        if safe != name { originals[safe] = name }
        return safe
    }

    /// The client's original name for a name an upstream used.
    public func original(_ name: String) -> String { originals[name] ?? name }

    public var isEmpty: Bool { originals.isEmpty }

    /// A Responses client's tool that is not a plain top-level function: a function or custom
    /// tool inside a `namespace` tool, or a `custom` (free-form input) tool. Toward Anthropic and
    /// Chat it travels as a function under its neutral name (`namespaced(_:_:)`); its calls come
    /// back to the client under `name` and `namespace`, as `custom_tool_call` when `custom`.
    public struct ClientTool: Sendable, Equatable {
        public var namespace: String?
        public var name: String
        public var custom: Bool
        public init(namespace: String?, name: String, custom: Bool) {
            self.namespace = namespace; self.name = name; self.custom = custom
        }
    }

    /// neutral name → the client's tool, for tools that are not plain top-level functions.
    public private(set) var clientTools: [String: ClientTool] = [:]

    public mutating func record(_ tool: ClientTool, as neutralName: String) { clientTools[neutralName] = tool }

    /// The client's tool behind a neutral name (nil: a plain function of that name).
    public func clientTool(_ neutralName: String) -> ClientTool? { clientTools[neutralName] }

    /// The neutral name of function `name` in namespace `namespace`: the two joined by `__`
    /// (`multi_agent__spawn_agent`, as MCP tools are named), made OpenAI-safe, so the same pair
    /// gives the same name in every request of a conversation.
    public static func namespaced(_ namespace: String, _ name: String) -> String {
        shorten(namespace + "__" + name)
    }

    static func isSafe(_ name: String) -> Bool {
        let u = name.utf8
        guard !u.isEmpty, u.count <= 64 else { return false }
        return u.allSatisfy(isSafeByte)
    }

    @inline(__always) static func isSafeByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    /// Invalid characters become `_`; a name that changed or is over 64 bytes keeps its first
    /// 55 bytes plus `_` and 8 hex digits of the original's FNV-1a hash, so distinct names stay
    /// distinct.
    public static func shorten(_ name: String) -> String {
        if isSafe(name) { return name }
        var bytes = name.utf8.map { isSafeByte($0) ? $0 : UInt8(ascii: "_") }
        if bytes.isEmpty { bytes = [UInt8(ascii: "_")] }
        var hash: UInt32 = 0x811C9DC5
        for b in name.utf8 { hash = (hash ^ UInt32(b)) &* 0x01000193 }
        var hex = String(hash, radix: 16)
        while hex.utf8.count < 8 { hex = "0" + hex }
        let prefix = bytes.prefix(55)
        return String(decoding: prefix, as: UTF8.self) + "_" + hex
    }
}
