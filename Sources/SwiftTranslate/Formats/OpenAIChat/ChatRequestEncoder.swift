/// PLACEHOLDER (to be written).
enum ChatRequestEncoder {
    static func encode(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        throw TranslateError.unsupported("", "ChatRequestEncoder is not implemented yet")
    }
}
