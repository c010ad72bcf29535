/// PLACEHOLDER (to be written).
enum ChatRequestDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        throw TranslateError.unsupported("", "ChatRequestDecoder is not implemented yet")
    }
}
