/// Watches the upstream events a pipe parses, for what the host meters (`apx_stream_usage`). The
/// pipeline's `StreamUsageMeter` reads each format's usage; the stream layer only hands it the
/// events it already parsed.
protocol StreamMeter {
    mutating func observe(_ event: SSEEvent, json root: JSONValue)
    var report: UsageReport { get }
    /// The upstream's model is known already (`report.model` is set).
    var hasModel: Bool { get }
}
