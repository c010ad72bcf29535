import Foundation
import Logging
import NIOCore

/// On the listening channel: when accept fails for lack of descriptors (EMFILE, ENFILE) or
/// memory, the clients waiting in the backlog get a 503 and a close instead of a hang. A spare
/// descriptor, held for this moment, is released so that accept can take them one at a time;
/// then it is taken back. AcceptBackoffHandler in front of this handler pauses accepting
/// briefly after such an error, so the event loop does not spin on a full process.
final class AcceptGuard: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let listenFD: CInt
    private var spareFD: CInt
    private let logger: Logger
    private let answer = ConnectionRefusal.response(limit: nil)
    private var lastWarning = NIODeadline.distantPast
    private var shedSinceWarning = 0
    /// Most clients answered per failed accept (the next failure takes the next ones).
    static let batch = 256

    init(listenFD: CInt, logger: Logger) {
        self.listenFD = listenFD
        self.logger = logger
        spareFD = AcceptGuard.openSpare()
    }

    deinit { if spareFD >= 0 { close(spareFD) } }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let io = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(io.errnoCode) else {
            return context.fireErrorCaught(error)
        }
        shedSinceWarning += shed()
        let now = NIODeadline.now()
        if now - lastWarning >= .seconds(5) {
            lastWarning = now
            logger.warning("out of file descriptors: clients get 503 until connections close",
                           metadata: ["error": .string(String(cString: strerror(io.errnoCode))),
                                      "refused": .stringConvertible(shedSinceWarning)])
            shedSinceWarning = 0
        }
    }

    /// Accepts waiting clients through the spare descriptor and answers each with a 503.
    private func shed() -> Int {
        if spareFD >= 0 { close(spareFD); spareFD = -1 }
        var n = 0
        while n < AcceptGuard.batch {
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { break }  // EAGAIN: the backlog is empty (or still no descriptor)
            answer.withUnsafeBytes { _ = send(fd, $0.baseAddress, $0.count, CInt(MSG_DONTWAIT) | CInt(MSG_NOSIGNAL)) }
            shutdown(fd, CInt(SHUT_WR))
            close(fd)
            n += 1
        }
        spareFD = AcceptGuard.openSpare()
        return n
    }

    private static func openSpare() -> CInt { Foundation.open("/dev/null", O_RDONLY | O_CLOEXEC) }
}
