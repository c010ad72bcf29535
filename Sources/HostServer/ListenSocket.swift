import Foundation
import NIOCore

/// The listening socket, created here rather than by NIO so that the server knows its
/// descriptor: AcceptGuard needs it to answer clients when accept runs out of descriptors.
enum ListenSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A bound, listening, non-blocking TCP socket for `host:port` (names are resolved).
    static func open(host: String, port: Int, backlog: Int32) throws -> CInt {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        #if canImport(Glibc)
        let stream = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue) | CInt(SOCK_NONBLOCK.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        let fd = socket(address.protocol.rawValue, stream, 0)
        guard fd >= 0 else { throw Failure(description: "socket: " + String(cString: strerror(errno))) }
        var one: CInt = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        let bound = address.withSockAddr { sa, len in bind(fd, sa, socklen_t(len)) }
        guard bound == 0 else {
            let e = errno
            close(fd)
            throw Failure(description: "bind(\(host):\(port)): " + String(cString: strerror(e)))
        }
        guard listen(fd, backlog) == 0 else {
            let e = errno
            close(fd)
            throw Failure(description: "listen: " + String(cString: strerror(e)))
        }
        return fd
    }
}
