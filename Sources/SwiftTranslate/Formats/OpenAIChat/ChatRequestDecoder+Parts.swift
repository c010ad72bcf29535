/// Chat user content: a string, or text / image_url / file parts. Audio is not expressible.
extension ChatRequestDecoder {
    static let imageTypes: Set<String> = ["image/jpeg", "image/jpg", "image/png", "image/gif", "image/webp"]

    static func userContent(_ v: JSONValue, _ path: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) -> [NPart] {
        if let t = JSONText(v) { return [.text(NText(json: t))] }
        guard v.isArray else { throw TranslateError.invalid(path(), "expected a string or an array of parts, got \(v.kindDescription)") }
        var parts: [NPart] = []
        parts.reserveCapacity(v.count)
        var k = 0
        for part in v.elements {
            let k_p = k
            func p() -> String { "\(path())[\(k_p)]" }
            try object(part, p())
            switch try reqString(part, "type", p()) {
            case "text": parts.append(.text(NText(json: try reqText(part, "text", p()), cacheControl: cacheControl(part))))
            case "image_url": parts.append(.image(try image(part, p())))
            case "file": parts.append(.document(try file(part, p(), &ctx)))
            case "input_audio": throw TranslateError.unsupported(p(), "audio input has no counterpart upstream")
            case let other: throw TranslateError.unsupported("\(p()).type", "unknown content part \"\(other)\"")
            }
            k += 1
        }
        return parts
    }

    /// `{type:"image_url", image_url:{url, detail?}}` (a bare URL string is accepted too).
    static func image(_ part: JSONValue, _ p: @autoclosure () -> String) throws(TranslateError) -> NImage {
        guard let iu = part["image_url"] else { throw TranslateError.invalid("\(p()).image_url", "required") }
        let url: String
        var detail: String? = nil
        if let s = iu.string {
            url = s
        } else {
            try object(iu, "\(p()).image_url")
            url = try reqString(iu, "url", "\(p()).image_url")
            detail = try optString(iu, "detail", "\(p()).image_url")
        }
        if let (mediaType, data) = try dataURL(url, "\(p()).image_url.url") {
            // OpenAI takes the same four types as Anthropic; checked here to report the client's path().
            guard imageTypes.contains(mediaType) else {
                throw TranslateError.unsupported(p(), "image type \"\(mediaType)\": use image/jpeg, image/png, image/gif or image/webp")
            }
            return NImage(source: .base64(mediaType: mediaType, data: data), detail: detail)
        }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw TranslateError.invalid("\(p()).image_url.url", "expected an http(s) URL or a base64 data URL")
        }
        return NImage(source: .url(url), detail: detail)
    }

    /// `{type:"file", file:{file_data?, file_id?, filename?}}`.
    static func file(_ part: JSONValue, _ p: @autoclosure () -> String, _ ctx: inout TranslationContext) throws(TranslateError) -> NDocument {
        guard let f = part["file"] else { throw TranslateError.invalid("\(p()).file", "required") }
        let fp = "\(p()).file"
        try object(f, fp)
        let filename = try optString(f, "filename", fp)
        if let data = try optString(f, "file_data", fp) {
            if let (mediaType, body) = try dataURL(data, "\(fp).file_data") {
                return NDocument(source: .base64(mediaType: mediaType, data: body), filename: filename)
            }
            ctx.diagnostics.dropped("\(fp).file_data", "not a data URL: assumed to be base64 of application/pdf")
            return NDocument(source: .base64(mediaType: "application/pdf", data: data), filename: filename)
        }
        if let id = try optString(f, "file_id", fp) {
            ctx.diagnostics.dropped("\(fp).file_id", "file ids are vendor-specific: the upstream may not know this one")
            return NDocument(source: .file(id), filename: filename)
        }
        throw TranslateError.invalid(fp, "needs file_data or file_id")
    }

    /// `data:<media type>[;param...];base64,<data>` → (media type, data); nil when not a data URL.
    static func dataURL(_ url: String, _ path: @autoclosure () -> String) throws(TranslateError) -> (String, String)? {
        let u = url.utf8
        guard u.starts(with: "data:".utf8) else { return nil }
        // The header is short; look for its comma in the first bytes only.
        guard let comma = u.prefix(512).firstIndex(of: UInt8(ascii: ",")) else {
            throw TranslateError.invalid(path(), "malformed data URL (no comma)")
        }
        let header = u[u.index(u.startIndex, offsetBy: 5)..<comma]
        guard header.count >= 7, header.suffix(7).elementsEqual(";base64".utf8) else {
            throw TranslateError.unsupported(path(), "only base64 data URLs are supported")
        }
        let typeEnd = header.firstIndex(of: UInt8(ascii: ";")) ?? header.endIndex
        let mediaType = String(Substring(header[header.startIndex..<typeEnd])).lowercased()
        guard !mediaType.isEmpty else { throw TranslateError.invalid(path(), "data URL without a media type") }
        return (mediaType, String(Substring(u[u.index(after: comma)...])))
    }
}
