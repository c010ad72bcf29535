/// PLACEHOLDER (to be written).
enum AnthropicRequestEncoder {
    static func encode(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        throw TranslateError.unsupported("", "AnthropicRequestEncoder is not implemented yet")
    }
}
