/// Responses `custom` tools: free-form tools whose input is one string, optionally constrained by
/// a grammar (`{"type":"grammar","syntax":"lark"|"regex","definition":…}`) or plain text
/// (`{"type":"text"}`). Anthropic and Chat only have functions with JSON arguments, so a custom
/// tool travels as a function with one string parameter, `input`, whose description carries the
/// grammar for the model to follow (no upstream enforces it). Its calls' arguments are
/// `{"input": "<text>"}`; `custom_tool_call` items carry the text itself.
enum ResponsesCustomTools {
    static let parameter = "input"
    static let inexactWarning = "the model called a custom tool without an `input` string: its raw arguments are the input"

    /// The function a custom tool definition becomes (its client name kept).
    static func tool(_ t: JSONValue, path: String, _ ctx: inout TranslationContext) throws(TranslateError) -> NTool {
        guard let name = t["name"]?.string, !name.isEmpty else {
            throw TranslateError.invalid(path + ".name", "a custom tool needs a non-empty name")
        }
        var about = "The tool's input, passed to it as is."
        if let f = t["format"], !f.isNull {
            guard f.isObject, let type = f["type"]?.string else {
                throw TranslateError.invalid(path + ".format", "expected an object with a type")
            }
            switch type {
            case "text": break
            case "grammar":
                guard let definition = f["definition"]?.string else {
                    throw TranslateError.invalid(path + ".format.definition", "a grammar format needs its definition as a string")
                }
                switch f["syntax"]?.string {
                case "lark":
                    about = "The tool's input, passed to it as is. It must be a string in the language of this Lark grammar:\n" + definition
                case "regex":
                    about = "The tool's input, passed to it as is. It must be a string matching this regular expression:\n" + definition
                default:
                    throw TranslateError.invalid(path + ".format.syntax", "expected \"lark\" or \"regex\"")
                }
                ctx.diagnostics.dropped(path + ".format", "the upstream cannot enforce a grammar: it is given to the model in the description of the `input` parameter")
            default:
                throw TranslateError.invalid(path + ".format.type", "expected \"text\" or \"grammar\"")
            }
        }
        if let d = t["defer_loading"], d.bool == true { ctx.diagnostics.dropped(path + ".defer_loading", "no counterpart") }
        var w = JSONWriter(capacity: about.utf8.count + 128)
        w.beginObject()
        w.field("type", "object")
        w.key("properties"); w.beginObject()
        w.key(parameter); w.beginObject(); w.field("type", "string"); w.field("description", about); w.endObject()
        w.endObject()
        w.key("required"); w.beginArray(); w.string(parameter); w.endArray()
        w.field("additionalProperties", false)
        w.endObject()
        return NTool(name: name, description: t["description"]?.string, schema: w.bytes)
    }

    /// `{"input":"<text>"}`: a custom call's input as function arguments (history items).
    static func arguments(input: [UInt8]) -> [UInt8] {
        var w = JSONWriter(capacity: input.count + 16)
        w.beginObject()
        w.key(parameter); w.string(bytes: input)
        w.endObject()
        return w.bytes
    }

    /// The input a call's function arguments carry: the `input` string, or (when the model wrote
    /// something else) the arguments text itself, with `exact` false; nothing for no arguments
    /// or `{}`.
    static func input(arguments: [UInt8]) -> (text: [UInt8], exact: Bool) {
        guard let doc = try? JSONDocument.parse(arguments) else { return (arguments, false) }
        if let v = doc.root[parameter], let text = v.stringBytes { return (text, true) }
        if doc.root.isObject && doc.root.count == 0 { return ([], false) }
        return (arguments, false)
    }
}
