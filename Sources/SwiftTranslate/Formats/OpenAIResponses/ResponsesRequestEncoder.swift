/// PLACEHOLDER (to be written).
enum ResponsesRequestEncoder {
    static func encode(_ request: NRequest, _ ctx: inout TranslationContext) throws(TranslateError) -> [UInt8] {
        throw TranslateError.unsupported("", "ResponsesRequestEncoder is not implemented yet")
    }
}
