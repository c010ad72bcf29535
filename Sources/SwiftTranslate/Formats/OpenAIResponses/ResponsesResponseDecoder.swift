/// PLACEHOLDER (to be written).
enum ResponsesResponseDecoder {
    static func decode(_ root: JSONValue, _ ctx: inout TranslationContext) throws(TranslateError) -> NResponse {
        throw TranslateError.unsupported("", "ResponsesResponseDecoder is not implemented yet")
    }
}
