/// PLACEHOLDER (to be written).
enum ChatResponseDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        throw TranslateError.unsupported("", "ChatResponseDecoder is not implemented yet")
    }
}
