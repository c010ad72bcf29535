/// PLACEHOLDER (to be written).
enum ResponsesResponseEncoder {
    static func encode(_ response: NResponse, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        throw TranslateError.unsupported("", "ResponsesResponseEncoder is not implemented yet")
    }
}
