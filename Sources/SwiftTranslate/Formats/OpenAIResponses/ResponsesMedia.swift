/// Images and files in Responses parts: `input_image{image_url | file_id, detail}` and
/// `input_file{file_data | file_url | file_id, filename}`. Data URLs ⇄ base64 sources.
enum ResponsesMedia {
    /// `data:<media type>;base64,<data>` split into its parts; nil when `url` is not one.
    static func splitDataURL(_ url: String) -> (mediaType: String, data: String)? {
        let u = url.utf8
        guard u.starts(with: "data:".utf8), let comma = u.firstIndex(of: UInt8(ascii: ",")) else { return nil }
        let header = Substring(url.utf8[u.index(u.startIndex, offsetBy: 5)..<comma])
        guard header.hasSuffix(";base64") else { return nil }
        let mediaType = String(header.dropLast(7))
        let data = String(Substring(url.utf8[u.index(after: comma)...]))
        return (mediaType, data)
    }

    static func source(imageURL: String) -> NMediaSource {
        if let (mt, data) = splitDataURL(imageURL) { return .base64(mediaType: mt, data: data) }
        return .url(imageURL)
    }

    /// `file_data` is a data URL in OpenAI's examples; bare base64 is taken as a PDF.
    static func source(fileData: String) -> NMediaSource {
        if let (mt, data) = splitDataURL(fileData) { return .base64(mediaType: mt, data: data) }
        return .base64(mediaType: "application/pdf", data: fileData)
    }

    static func writeDataURL(_ w: inout JSONWriter, mediaType: String, data: String) {
        w.beginString()
        w.stringPiece("data:")
        w.stringPiece(mediaType)
        w.stringPiece(";base64,")
        w.stringPiece(data)
        w.endString()
    }

    /// An `input_image` part; false (nothing written) when the source cannot be one.
    static func writeImage(_ w: inout JSONWriter, _ image: NImage) -> Bool {
        switch image.source {
        case .base64(let mt, let data):
            w.beginObject(); w.field("type", "input_image")
            w.key("image_url"); writeDataURL(&w, mediaType: mt, data: data)
        case .url(let url):
            w.beginObject(); w.field("type", "input_image"); w.field("image_url", url)
        case .file(let id):
            w.beginObject(); w.field("type", "input_image"); w.field("file_id", id)
        case .text:
            return false
        }
        w.field("detail", image.detail ?? "auto")
        w.endObject()
        return true
    }

    /// An `input_file` part, or `input_text` for a plain-text document.
    static func writeDocument(_ w: inout JSONWriter, _ doc: NDocument) {
        w.beginObject()
        switch doc.source {
        case .base64(let mt, let data):
            w.field("type", "input_file")
            w.field("filename", doc.filename ?? doc.title ?? defaultFilename(mt))
            w.key("file_data"); writeDataURL(&w, mediaType: mt, data: data)
        case .url(let url):
            w.field("type", "input_file")
            w.field("file_url", url)
            if let f = doc.filename { w.field("filename", f) }
        case .file(let id):
            w.field("type", "input_file")
            w.field("file_id", id)
            if let f = doc.filename { w.field("filename", f) }
        case .text(let text):
            w.field("type", "input_text")
            if let t = doc.title { w.field("text", t + "\n\n" + text) } else { w.field("text", text) }
        }
        w.endObject()
    }

    static func defaultFilename(_ mediaType: String) -> String {
        switch mediaType {
        case "application/pdf": return "document.pdf"
        case "text/plain": return "document.txt"
        default: return "document"
        }
    }
}
