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
        app.engines.attach(group)
        let settings = app.settings
        let refusal = ConnectionRefusal.response(limit: settings.maxConnections)
        let fd: CInt
        do {
            fd = try ListenSocket.open(host: settings.host, port: settings.port, backlog: HTTPServer.backlog)
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Accept errors (out of descriptors) pause accepting for 100 ms: no spinning.
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler { _ in .milliseconds(100) })
                    try channel.pipeline.syncOperations.addHandler(AcceptGuard(listenFD: fd, logger: app.logger))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 64 * 1024))
            .childChannelInitializer { channel in
                guard app.metrics.connectionOpened(limit: settings.maxConnections) else {
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ConnectionRefusal.Handler(bytes: refusal, lingerMs: 1000))
                    }
                }
                channel.closeFuture.whenComplete { _ in app.metrics.connectionClosed() }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPConnectionHandler(app: app))
                }
            }
        do {
            let channel = try bootstrap.withBoundSocket(fd).wait()
            // NIO listens again with its default backlog (128) when it adopts the socket.
            _ = listen(fd, HTTPServer.backlog)
            return HTTPServer(group: group, channel: channel, app: app)
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    /// Connections the kernel completes before the proxy accepts them (bursts of new clients).
    static let backlog: Int32 = 4096

    /// Blocks until SIGTERM or SIGINT, then drains and shuts down; SIGHUP reloads the config.
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
        // SIGHUP: reload the config (new requests take the new snapshot; in-flight ones keep theirs).
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hup.setEventHandler { [app] in app.reload(trigger: "SIGHUP") }
        hup.resume()
        sources.append(hup)
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
        app.engines.stop()
        try? group.syncShutdownGracefully()
        _ = sources
    }
}
