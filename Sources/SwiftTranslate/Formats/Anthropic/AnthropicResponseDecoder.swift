/// PLACEHOLDER (to be written).
enum AnthropicResponseDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        throw TranslateError.unsupported("", "AnthropicResponseDecoder is not implemented yet")
    }
}
