/// The neutral request: the union of what the three formats can say. Decoders build it from a
/// client's body; encoders write it in the upstream's format.
public struct NRequest: Sendable {
    public var model: String = ""
    /// System and developer text, hoisted to the front in order of appearance.
    public var system: [NText] = []
    /// Conversation turns. Tool results live in `.user` turns (as in Anthropic), first in the turn.
    public var messages: [NMessage] = []
    public var tools: [NTool] = []
    public var toolChoice: NToolChoice? = nil
    /// nil: not specified. false: at most one tool call per turn.
    public var parallelToolCalls: Bool? = nil
    public var maxTokens: Int? = nil
    public var stop: [String] = []
    /// Sampling numbers as their exact input text.
    public var temperature: String? = nil
    public var topP: String? = nil
    public var topK: String? = nil
    public var stream: Bool = false
    /// OpenAI `stream_options.include_usage` of the client.
    public var includeUsage: Bool = false
    public var reasoning: NReasoningConfig? = nil
    public var responseFormat: NResponseFormat? = nil
    /// Anthropic `metadata.user_id` ⇄ OpenAI `user`.
    public var user: String? = nil
    public var serviceTier: String? = nil
    public init() {}
}

public enum NRole: String, Sendable { case user, assistant }

public struct NMessage: Sendable {
    public var role: NRole
    public var parts: [NPart]
    /// The message's index in the client's list, when a decoder moved messages (hoisted system
    /// turns): encoders name it in warning paths. nil: the index in `NRequest.messages`.
    public var sourceIndex: Int? = nil
    public init(role: NRole, parts: [NPart]) { self.role = role; self.parts = parts }
}

/// Text with its Anthropic extras (kept as raw JSON so they can be re-emitted exactly).
public struct NText: Sendable {
    /// The text as the escaped body of a JSON string, as the client sent it: JSON encoders copy
    /// it verbatim (`JSONWriter.string(_: JSONText)`); `text` decodes it for inspection.
    var json: JSONText
    public var cacheControl: [UInt8]? = nil
    public var citations: [UInt8]? = nil

    /// The decoded text (a decode per read: hot paths use `json`).
    public var text: String {
        get { json.decoded }
        set { json = JSONText(escaping: newValue) }
    }

    public init(_ text: String, cacheControl: [UInt8]? = nil, citations: [UInt8]? = nil) {
        self.json = JSONText(escaping: text); self.cacheControl = cacheControl; self.citations = citations
    }

    init(json: JSONText, cacheControl: [UInt8]? = nil, citations: [UInt8]? = nil) {
        self.json = json; self.cacheControl = cacheControl; self.citations = citations
    }
}

public enum NMediaSource: Sendable {
    /// Base64 data with its media type (`image/png`, `application/pdf`, ...).
    case base64(mediaType: String, data: String)
    case url(String)
    /// A vendor file id: not portable between vendors.
    case file(String)
    /// Plain text content (Anthropic text documents).
    case text(String)
}

public struct NImage: Sendable {
    public var source: NMediaSource
    /// OpenAI `detail` (auto/low/high); no Anthropic counterpart.
    public var detail: String? = nil
    public init(source: NMediaSource, detail: String? = nil) { self.source = source; self.detail = detail }
}

public struct NDocument: Sendable {
    public var source: NMediaSource
    public var title: String? = nil
    public var filename: String? = nil
    public init(source: NMediaSource, title: String? = nil, filename: String? = nil) {
        self.source = source; self.title = title; self.filename = filename
    }
}

public struct NThinking: Sendable {
    /// The thinking text as the escaped body of a JSON string, as it arrived (see `NText.json`).
    var json: JSONText
    /// Opaque; see `ThinkingSignature` for which vendor minted it.
    public var signature: String?

    /// The decoded text (a decode per read: hot paths use `json`).
    public var text: String {
        get { json.decoded }
        set { json = JSONText(escaping: newValue) }
    }

    public init(text: String, signature: String?) { self.json = JSONText(escaping: text); self.signature = signature }
    init(json: JSONText, signature: String?) { self.json = json; self.signature = signature }
}

/// An OpenAI Responses reasoning item, kept whole so it can be replayed.
public struct NReasoningItem: Sendable {
    public var id: String
    public var summary: [String]
    public var content: [String]
    public var encryptedContent: String?
    public init(id: String, summary: [String], content: [String] = [], encryptedContent: String?) {
        self.id = id; self.summary = summary; self.content = content; self.encryptedContent = encryptedContent
    }
}

public struct NToolCall: Sendable {
    /// The cross-format id (Anthropic `toolu_…`, Chat `call_…`, Responses `call_id`).
    public var id: String
    public var name: String
    /// The arguments as JSON text, exactly as received (Anthropic `input` raw bytes, or the
    /// decoded Chat/Responses `arguments` string). May be invalid JSON when an upstream sent so.
    public var arguments: [UInt8]
    /// Responses only: the `fc_…` item id, kept for replays to Responses.
    public var itemId: String? = nil
    public init(id: String, name: String, arguments: [UInt8], itemId: String? = nil) {
        self.id = id; self.name = name; self.arguments = arguments; self.itemId = itemId
    }
}

public struct NToolResult: Sendable {
    public var toolCallId: String
    /// Text, image and document parts.
    public var content: [NPart]
    public var isError: Bool
    public var cacheControl: [UInt8]? = nil
    public init(toolCallId: String, content: [NPart], isError: Bool, cacheControl: [UInt8]? = nil) {
        self.toolCallId = toolCallId; self.content = content; self.isError = isError; self.cacheControl = cacheControl
    }
}

public enum NPart: Sendable {
    case text(NText)
    case image(NImage)
    case document(NDocument)
    case thinking(NThinking)
    case redactedThinking(String)
    case reasoningItem(NReasoningItem)
    case toolCall(NToolCall)
    case toolResult(NToolResult)
    case refusal(String)
    /// A block the neutral model does not understand, kept raw for same-format targets
    /// (`format` names where it came from). Other targets drop it with a warning.
    case opaque(format: Format, type: String, raw: [UInt8])
}

public struct NTool: Sendable {
    public var name: String
    /// The description as the escaped body of a JSON string, as it arrived (see `NText.json`).
    var descriptionJSON: JSONText?
    /// The decoded description (a decode per read: encoders use `descriptionJSON`).
    public var description: String? {
        get { descriptionJSON?.decoded }
        set { descriptionJSON = newValue.map { JSONText(escaping: $0) } }
    }
    /// The JSON Schema, raw bytes as received; nil means "no parameters".
    public var schema: [UInt8]?
    public var strict: Bool?
    public var cacheControl: [UInt8]? = nil
    /// A vendor built-in (Anthropic server tool, Responses built-in) kept raw; nil for functions.
    public var builtin: NBuiltinTool? = nil
    public init(name: String, description: String?, schema: [UInt8]?, strict: Bool? = nil) {
        self.name = name; self.descriptionJSON = description.map { JSONText(escaping: $0) }; self.schema = schema; self.strict = strict
    }

    init(name: String, descriptionJSON: JSONText?, schema: [UInt8]?, strict: Bool? = nil) {
        self.name = name; self.descriptionJSON = descriptionJSON; self.schema = schema; self.strict = strict
    }
}

public struct NBuiltinTool: Sendable {
    public var format: Format
    /// e.g. `web_search_20250305` or `web_search`.
    public var type: String
    public var raw: [UInt8]
    public init(format: Format, type: String, raw: [UInt8]) { self.format = format; self.type = type; self.raw = raw }
}

public enum NToolChoice: Sendable, Equatable {
    case auto, any, none
    case tool(String)
}

public struct NReasoningConfig: Sendable {
    public enum Mode: Sendable { case disabled, enabled, adaptive }
    public var mode: Mode
    public var budgetTokens: Int? = nil
    /// low, medium, high, xhigh, max (minimal/none are mapped by the decoders).
    public var effort: String? = nil
    /// Responses `reasoning.summary` (auto/concise/detailed).
    public var summary: String? = nil
    public init(mode: Mode, budgetTokens: Int? = nil, effort: String? = nil, summary: String? = nil) {
        self.mode = mode; self.budgetTokens = budgetTokens; self.effort = effort; self.summary = summary
    }
}

public enum NResponseFormat: Sendable {
    case text
    case jsonObject
    case jsonSchema(name: String?, description: String?, schema: [UInt8], strict: Bool?)
}
