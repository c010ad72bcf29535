// swift-tools-version:6.1
import PackageDescription

/// The library target `SwiftTranslate` uses the Swift stdlib only; it is shipped as
/// `libapxlate.so` (see the Makefile for the static-stdlib, export-list link).
/// `HostServer` is the `apxlate` executable: it sees only `include/apxlate.h` (through
/// `CTranslate`) and links `build/lib/libapxlate.so`, exactly as an outside host would.
let libDir = Context.packageDirectory + "/build/lib"
/// `APXLATE_LIB_ONLY=1 swift test` builds just the library and its tests (no SwiftNIO).
let libOnly = Context.environment["APXLATE_LIB_ONLY"] == "1"

var package = Package(
    name: "apxlate",
    products: [
        .library(name: "apxlate", type: .dynamic, targets: ["SwiftTranslate"]),
        .executable(name: "apxlate-host", targets: ["HostServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(name: "CTranslate", path: "Sources/CTranslate"),
        .target(
            name: "SwiftTranslate",
            dependencies: ["CTranslate"],
            path: "Sources/SwiftTranslate",
            exclude: ["CABI/exports.map"]
        ),
        /// The proxy's request state machine and policies: pure Swift, no NIO, so that
        /// `APXLATE_LIB_ONLY=1 swift test` tests it too.
        .target(name: "ProxyCore", path: "Sources/ProxyCore"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl"),
        .executableTarget(
            name: "HostServer",
            dependencies: [
                "CTranslate", "CCurl", "ProxyCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/HostServer",
            linkerSettings: [
                .linkedLibrary("apxlate"),
                .unsafeFlags(["-L" + libDir, "-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../lib"]),
            ]
        ),
        .testTarget(
            name: "SwiftTranslateTests",
            dependencies: ["SwiftTranslate"],
            path: "Tests/SwiftTranslateTests"
        ),
        .testTarget(
            name: "ProxyCoreTests",
            dependencies: ["ProxyCore"],
            path: "Tests/ProxyCoreTests"
        ),
    ]
)

if libOnly {
    package.products.removeAll { $0.name == "apxlate-host" }
    package.targets.removeAll { $0.name == "HostServer" || $0.name == "CCurl" }
    package.dependencies.removeAll()
}
