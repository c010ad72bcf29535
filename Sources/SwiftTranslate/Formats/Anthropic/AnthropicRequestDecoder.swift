/// PLACEHOLDER (to be written).
enum AnthropicRequestDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        throw TranslateError.unsupported("", "AnthropicRequestDecoder is not implemented yet")
    }
}
