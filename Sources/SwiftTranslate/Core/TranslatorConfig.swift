/// The parsed translator configuration (see `apx_translator_new` in include/apxlate.h).
public struct TranslatorConfig: Sendable {
    public enum MaxTokensField: String, Sendable { case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens" }
    public enum ReasoningField: String, Sendable { case reasoningContent = "reasoning_content", reasoning = "reasoning", none = "none" }
    /// What to do with vendor built-in tools (Responses `web_search`, Anthropic server tools, ...)
    /// that the target format cannot express: reject the request, or drop them with a warning.
    public enum BuiltinToolsPolicy: String, Sendable { case error, drop }

    public var modelMap: [String: String] = [:]
    public var bigModel: String? = nil
    public var middleModel: String? = nil
    public var smallModel: String? = nil
    public var defaultModel: String? = nil

    // Quirks of the upstream.
    public var maxTokensField: MaxTokensField = .maxCompletionTokens
    public var maxTokensCap: Int? = nil
    public var defaultMaxTokens: Int = 4096
    public var upstreamReasoningField: ReasoningField = .reasoningContent
    public var reasoningEffort: Bool = false
    public var replayReasoning: Bool = true
    public var sendUser: Bool = true
    public var streamUsage: Bool = true
    public var stripBillingHeader: Bool = true
    public var builtinTools: BuiltinToolsPolicy = .drop
    /// A Responses upstream takes `reasoning` and `include: ["reasoning.encrypted_content"]`
    /// (reasoning models); false for models that reject them (gpt-4.1, gpt-4o).
    public var responsesReasoning: Bool = true
    /// DeepSeek-style `thinking: {"type": "enabled"|"disabled"}` in Chat requests.
    public var thinkingToggle: Bool = false

    // How Chat clients receive reasoning text.
    public var clientReasoningField: ReasoningField = .reasoningContent

    /// `limits.max_body_bytes`: the largest one-shot body (request, response, token count) and
    /// the largest data of one stream event accepted; more is APX_ERR_LIMIT. Upstream error
    /// bodies over it are not parsed (the client gets a generic error for the status).
    public var maxBodyBytes: Int = TranslatorConfig.defaultMaxBodyBytes
    public static let defaultMaxBodyBytes = 64 << 20
    /// The largest `limits.max_body_bytes` accepted (the JSON tape's offsets are 32-bit).
    public static let maxBodyBytesCeiling = 1 << 31

    public init() {}

    /// The upstream model for a client's model name: exact map, then family, then default.
    /// Families: "opus" → big; "sonnet" → middle if set, else big; "haiku" → small.
    public func mapModel(_ name: String) -> String {
        if let exact = modelMap[name] { return exact }
        if let small = smallModel, ByteSearch.contains(name, "haiku", ignoringASCIICase: true) { return small }
        if let m = middleModel ?? bigModel, ByteSearch.contains(name, "sonnet", ignoringASCIICase: true) { return m }
        if let big = bigModel, ByteSearch.contains(name, "opus", ignoringASCIICase: true) { return big }
        return defaultModel ?? name
    }

    /// Parses the JSON configuration; unknown keys are errors (a typo must not pass silently).
    public static func parse(_ bytes: [UInt8]) throws(TranslateError) -> TranslatorConfig {
        var config = TranslatorConfig()
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return config }
        let doc: JSONDocument
        do { doc = try JSONDocument.parse(bytes) } catch {
            throw TranslateError(.config, "configuration: \(error.message)", offset: error.offset)
        }
        let root = doc.root
        guard root.isObject else { throw TranslateError(.config, "configuration must be a JSON object") }
        for (key, value) in root.members {
            switch key {
            case "models": try parseModels(value, into: &config)
            case "upstream": try parseUpstream(value, into: &config)
            case "limits":
                try expectObject(value, "limits")
                for (k, v) in value.members {
                    switch k {
                    case "max_body_bytes":
                        let n = try positiveInt(v, "limits.max_body_bytes")
                        guard n <= maxBodyBytesCeiling else {
                            throw TranslateError(.config, "limits.max_body_bytes: at most \(maxBodyBytesCeiling) (2 GiB)", path: "limits.max_body_bytes")
                        }
                        config.maxBodyBytes = n
                    default: throw unknown("limits.\(k)")
                    }
                }
            case "client":
                try expectObject(value, "client")
                for (k, v) in value.members {
                    switch k {
                    case "reasoning_field": config.clientReasoningField = try reasoningField(v, "client.reasoning_field")
                    default: throw unknown("client.\(k)")
                    }
                }
            default: throw unknown(key)
            }
        }
        return config
    }

    private static func parseModels(_ value: JSONValue, into config: inout TranslatorConfig) throws(TranslateError) {
        try expectObject(value, "models")
        for (k, v) in value.members {
            let path = "models.\(k)"
            switch k {
            case "map":
                try expectObject(v, path)
                for (name, target) in v.members {
                    config.modelMap[name] = try string(target, "\(path).\(name)")
                }
            case "big": config.bigModel = try string(v, path)
            case "middle": config.middleModel = try string(v, path)
            case "small": config.smallModel = try string(v, path)
            case "default": config.defaultModel = try string(v, path)
            default: throw unknown(path)
            }
        }
    }

    private static func parseUpstream(_ value: JSONValue, into config: inout TranslatorConfig) throws(TranslateError) {
        try expectObject(value, "upstream")
        for (k, v) in value.members {
            let path = "upstream.\(k)"
            switch k {
            case "max_tokens_field":
                guard let f = MaxTokensField(rawValue: try string(v, path)) else {
                    throw TranslateError(.config, "\(path): expected \"max_tokens\" or \"max_completion_tokens\"", path: path)
                }
                config.maxTokensField = f
            case "max_tokens_cap": config.maxTokensCap = try positiveInt(v, path)
            case "default_max_tokens": config.defaultMaxTokens = try positiveInt(v, path)
            case "reasoning_field": config.upstreamReasoningField = try reasoningField(v, path)
            case "reasoning_effort": config.reasoningEffort = try bool(v, path)
            case "replay_reasoning": config.replayReasoning = try bool(v, path)
            case "send_user": config.sendUser = try bool(v, path)
            case "stream_usage": config.streamUsage = try bool(v, path)
            case "strip_billing_header": config.stripBillingHeader = try bool(v, path)
            case "responses_reasoning": config.responsesReasoning = try bool(v, path)
            case "thinking_toggle": config.thinkingToggle = try bool(v, path)
            case "builtin_tools":
                guard let p = BuiltinToolsPolicy(rawValue: try string(v, path)) else {
                    throw TranslateError(.config, "\(path): expected \"error\" or \"drop\"", path: path)
                }
                config.builtinTools = p
            default: throw unknown(path)
            }
        }
    }

    private static func unknown(_ path: String) -> TranslateError {
        TranslateError(.config, "\(path): unknown configuration key", path: path)
    }
    private static func expectObject(_ v: JSONValue, _ path: String) throws(TranslateError) {
        guard v.isObject else { throw TranslateError(.config, "\(path): expected an object, got \(v.kindDescription)", path: path) }
    }
    private static func string(_ v: JSONValue, _ path: String) throws(TranslateError) -> String {
        guard let s = v.string else { throw TranslateError(.config, "\(path): expected a string, got \(v.kindDescription)", path: path) }
        return s
    }
    private static func bool(_ v: JSONValue, _ path: String) throws(TranslateError) -> Bool {
        guard let b = v.bool else { throw TranslateError(.config, "\(path): expected true or false, got \(v.kindDescription)", path: path) }
        return b
    }
    /// A positive integer, saturated at Int.max (a cap of 1e30 means "no cap"; see Counts).
    private static func positiveInt(_ v: JSONValue, _ path: String) throws(TranslateError) -> Int {
        guard let i = v.count(upTo: .max), i > 0 else {
            throw TranslateError(.config, "\(path): expected a positive integer, got \(v.numberForMessage)", path: path)
        }
        return i
    }
    private static func reasoningField(_ v: JSONValue, _ path: String) throws(TranslateError) -> ReasoningField {
        guard let f = ReasoningField(rawValue: try string(v, path)) else {
            throw TranslateError(.config, "\(path): expected \"reasoning_content\", \"reasoning\" or \"none\"", path: path)
        }
        return f
    }
}
