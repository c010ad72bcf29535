import Foundation

/// A JSON value built from the config file (or the environment) for a translator configuration;
/// the library, not the host, decides which keys and types it takes.
indirect enum ConfigJSON: Sendable, Encodable {
    case string(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null
    case array([ConfigJSON])
    case object([String: ConfigJSON])

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .number(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Compact JSON with sorted keys.
    func bytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
