/// Thinking-block signatures are opaque and bound to the vendor that minted them. apxlate mints
/// its own, with an `apx` prefix Anthropic never uses, to carry reasoning that came from an
/// OpenAI upstream through an Anthropic client and back:
///   `apx1.c`                        reasoning text from an OpenAI Chat upstream (nothing to carry)
///   `apx1.r.<base64url(json)>`      a Responses reasoning item {id, encrypted_content}
/// A signature with the prefix is never sent to Anthropic; one without it never goes to OpenAI.
public enum ThinkingSignature {
    public static let prefix = "apx1."
    public static let chat = "apx1.c"

    public enum Origin: Sendable, Equatable {
        case anthropic
        case chat
        case responses(id: String, encryptedContent: String?)
        case unknownApx
    }

    public static func isApxlate(_ signature: String?) -> Bool {
        guard let s = signature else { return false }
        return s.hasPrefix(prefix)
    }

    public static func origin(_ signature: String?) -> Origin {
        guard let s = signature, s.hasPrefix(prefix) else { return .anthropic }
        if s == chat { return .chat }
        if s.hasPrefix("apx1.r.") {
            let payload = Array(s.utf8.dropFirst(7))
            guard let json = Base64URL.decode(payload),
                  let doc = try? JSONDocument.parse(json),
                  let id = doc.root["id"]?.string else { return .unknownApx }
            return .responses(id: id, encryptedContent: doc.root["encrypted_content"]?.string)
        }
        return .unknownApx
    }

    public static func forResponses(id: String, encryptedContent: String?) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("id", id)
        if let e = encryptedContent { w.field("encrypted_content", e) }
        w.endObject()
        return "apx1.r." + Base64URL.encode(w.bytes)
    }
}
