extension NResponse {
    /// About the size of the response as JSON in any format, escapes included (1/8 slack): the
    /// encoders reserve it, so the output buffer is allocated once instead of doubling (a
    /// doubling holds the old and the new buffer at once, 3x a large text at peak).
    var estimatedJSONSize: Int {
        var n = 512
        for p in content {
            switch p {
            case .text(let t): n &+= t.json.body.count &+ 32
            case .thinking(let t): n &+= t.json.body.count &+ 64
            case .toolCall(let c): n &+= c.arguments.count &+ 96
            case .refusal(let s): n &+= s.utf8.count &+ 32
            default: n &+= 128
            }
        }
        return min(n &+ n / 8, 1 << 30)
    }
}
