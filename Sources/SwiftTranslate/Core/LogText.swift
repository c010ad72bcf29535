/// Library messages (errors, warnings) quote client and upstream strings: model and tool names,
/// ids, keys. Hosts write those messages to logs, one per line, and join warnings with '\n', so a
/// quoted string must not be able to start a line, forge a log entry or send terminal escapes.
/// `escaped` writes every control character as a visible escape (`\n`, `\r`, `\t`, `\u001b`, …):
/// C0 controls, DEL, C1 controls and the Unicode line and paragraph separators.
enum LogText {
    static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s.unicodeScalars {
            guard needsEscape(c) else { out.unicodeScalars.append(c); continue }
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u" + hex4(c.value)
            }
        }
        return out
    }

    @inline(__always)
    private static func needsEscape(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0x2028 || v == 0x2029
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var s = ""
        for shift in stride(from: 12, through: 0, by: -4) { s.unicodeScalars.append(digits[Int((v >> UInt32(shift)) & 0xF)]) }
        return s
    }
}
