/// PLACEHOLDER (to be written).
enum AnthropicResponseEncoder {
    static func encode(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        throw TranslateError.unsupported("", "AnthropicResponseEncoder is not implemented yet")
    }
}
