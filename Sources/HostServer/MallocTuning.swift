import CCurl

/// glibc malloc settings for the proxy. Each request allocates and frees buffers of tens to
/// hundreds of KB (the client's body, its translation, the answer); with glibc's defaults the
/// per-thread arenas give the freed top of their heap back to the kernel (madvise, with a TLB
/// shootdown on every core) and fault it in again on the next request: 5-7% of the proxy's CPU
/// per request under load (perf, Tests/bench/proxy_bench.sh). A fixed trim threshold keeps up to
/// `trimBytes` of freed heap per arena; a fixed mmap threshold keeps blocks below `mmapBytes`
/// in the heap (setting one disables glibc's dynamic adjustment of both).
enum MallocTuning {
    static let trimBytes: Int32 = 32 << 20
    static let mmapBytes: Int32 = 4 << 20

    static func apply() { apxc_malloc_thresholds(trimBytes, mmapBytes) }
}
