#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Unix seconds now: the `created` of OpenAI chunks when the upstream gave none.
func unixTimeNow() -> Int { Int(time(nil)) }
