/// PLACEHOLDER (to be written).
enum ChatResponseEncoder {
    static func encode(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        throw TranslateError.unsupported("", "ChatResponseEncoder is not implemented yet")
    }
}
