/// What an upstream reported about a finished response or stream: its token usage (nil when it
/// reported none) and its model name (nil when it named none). Read by `apx_response_usage` and
/// `apx_stream_usage`, so that hosts meter and log without scanning bytes.
public struct UsageReport: Sendable, Equatable {
    public var usage: NUsage? = nil
    public var model: String? = nil
    public init(usage: NUsage? = nil, model: String? = nil) { self.usage = usage; self.model = model }
}
