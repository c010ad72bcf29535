// swift-tools-version:6.1
// The JSON engine benchmark (parse, and parse + full re-serialization through JSONWriter), in
// release mode against the library's public API. Built by Tests/bench/run.sh with
// APXLATE_LIB_ONLY=1 (so the root package brings no server dependencies).
import PackageDescription

let package = Package(
    name: "apxlate-json-bench",
    dependencies: [.package(name: "apxlate", path: "../../..")],
    targets: [
        .executableTarget(
            name: "json-bench",
            dependencies: [.product(name: "apxlate", package: "apxlate")],
            path: "Sources/json-bench"
        ),
    ]
)
