/// PLACEHOLDER (to be written).
enum ResponsesRequestDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NRequest {
        throw TranslateError.unsupported("", "ResponsesRequestDecoder is not implemented yet")
    }
}
