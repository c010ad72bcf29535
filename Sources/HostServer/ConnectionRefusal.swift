import NIOCore

/// The answer to a client the proxy cannot take (connection cap reached, or no file descriptor
/// left): a complete HTTP 503 written before the request is read, in a shape both Anthropic and
/// OpenAI clients parse (`error.type`, `error.message`), then the connection ends.
enum ConnectionRefusal {
    static func response(limit: Int?) -> [UInt8] {
        let why = limit.map { "the proxy is at its connection limit (\($0))" } ?? "the proxy has no file descriptor left"
        let body = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"code\":\"too_many_connections\",\"message\":\"\(why); retry later\"}}"
        let head = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n"
            + "retry-after: 1\r\nconnection: close\r\n\r\n"
        return Array((head + body).utf8)
    }

    /// The whole pipeline of a refused connection: writes the 503, closes the output (the client
    /// sees the answer, then EOF), discards whatever the client sends, and closes for good when
    /// the client does or after `lingerMs`.
    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private let bytes: [UInt8]
        private let lingerMs: Int

        init(bytes: [UInt8], lingerMs: Int) {
            self.bytes = bytes
            self.lingerMs = lingerMs
        }

        func channelActive(context: ChannelHandlerContext) {
            let channel = context.channel
            var buf = context.channel.allocator.buffer(capacity: bytes.count)
            buf.writeBytes(bytes)
            context.writeAndFlush(NIOAny(buf)).whenComplete { _ in
                channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
            }
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(lingerMs))) { channel.close(promise: nil) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

        func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
    }
}
