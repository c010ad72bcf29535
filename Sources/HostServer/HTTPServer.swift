import Dispatch
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The listening socket and its event loops, plus graceful shutdown on SIGTERM/SIGINT: stop
/// accepting, let in-flight requests (streams included) finish, then exit.
final class HTTPServer {
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    private let app: ProxyApp

    private init(group: MultiThreadedEventLoopGroup, channel: Channel, app: ProxyApp) {
        self.group = group; self.channel = channel; self.app = app
    }

    static func start(app: ProxyApp) throws -> HTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: app.settings.eventLoopThreads)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 64 * 1024))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPConnectionHandler(app: app))
                }
            }
        do {
            let channel = try bootstrap.bind(host: app.settings.host, port: app.settings.port).wait()
            return HTTPServer(group: group, channel: channel, app: app)
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    /// Blocks until SIGTERM or SIGINT, then drains and shuts down.
    func waitForShutdownSignal() {
        let done = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { done.signal() }
            s.resume()
            sources.append(s)
        }
        done.wait()
        app.logger.info("shutting down: no new connections, draining in-flight requests",
                        metadata: ["in_flight": .stringConvertible(app.metrics.inFlight)])
        try? channel.close().wait()
        let deadline = Date().addingTimeInterval(Double(app.settings.drainTimeoutMs) / 1000)
        while app.metrics.inFlight > 0 && Date() < deadline {
            usleep(50_000)
        }
        if app.metrics.inFlight > 0 {
            app.logger.warning("drain timeout: closing with requests in flight", metadata: ["in_flight": .stringConvertible(app.metrics.inFlight)])
        }
        try? group.syncShutdownGracefully()
        _ = sources
    }
}
