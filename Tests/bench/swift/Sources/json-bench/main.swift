#if canImport(Glibc)
import Glibc
#endif
import SwiftTranslate

// usage: json-bench FILE... — for each file: MB/s of parse alone, of parse + walk (every string
// decoded, every number read), of parse + re-serialization of every value through JSONWriter
// (strings decoded and re-escaped, numbers copied as text), and the same with every string
// decoded into a Swift String first (as the neutral model does). Median of 7 runs of ~0.1 s.

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Median seconds per call of `op` (7 runs of about 0.1 s each).
func measure(_ op: () -> Int) -> Double {
    var sink = op()
    var iters = 1
    var t = 0.0
    while true {
        let t0 = now()
        for _ in 0..<iters { sink &+= op() }
        t = now() - t0
        if t >= 0.025 { break }
        iters *= 4
    }
    iters = max(1, Int(Double(iters) * 0.1 / t))
    var runs: [Double] = []
    for _ in 0..<7 {
        let t0 = now()
        for _ in 0..<iters { sink &+= op() }
        runs.append((now() - t0) / Double(iters))
    }
    if sink == 42 { print("") }  // keeps the work observable
    return runs.sorted()[3]
}

/// Re-emits a value through the writer's typed calls (no raw copies).
func emit(_ v: JSONValue, _ w: inout JSONWriter) {
    switch v.kind {
    case .object:
        w.beginObject()
        for (k, m) in v.members { w.key(k); emit(m, &w) }
        w.endObject()
    case .array:
        w.beginArray()
        for e in v.elements { emit(e, &w) }
        w.endArray()
    case .string: w.string(bytes: v.stringBytes ?? [])
    case .number: w.number(text: v.numberText ?? "0")
    case .true: w.bool(true)
    case .false: w.bool(false)
    case .null: w.null()
    }
}

/// As `emit`, but every string goes through a Swift String, as the codecs' neutral model does.
func emitViaString(_ v: JSONValue, _ w: inout JSONWriter) {
    switch v.kind {
    case .object:
        w.beginObject()
        for (k, m) in v.members { w.key(k); emitViaString(m, &w) }
        w.endObject()
    case .array:
        w.beginArray()
        for e in v.elements { emitViaString(e, &w) }
        w.endArray()
    case .string: w.string(v.string ?? "")
    default: emit(v, &w)
    }
}

func walk(_ v: JSONValue) -> Int {
    switch v.kind {
    case .object: return v.members.reduce(0) { $0 &+ $1.key.utf8.count &+ walk($1.value) }
    case .array: return v.elements.reduce(0) { $0 &+ walk($1) }
    case .string: return v.stringBytes?.count ?? 0
    case .number: return v.int ?? 1
    default: return 1
    }
}

for path in CommandLine.arguments.dropFirst() {
    guard let bytes = readFile(path) else { print("cannot read \(path)"); continue }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let mb = Double(bytes.count) / 1e6
    do {
        _ = try JSONDocument.parse(bytes)
    } catch {
        print("\(name): \(error.message)")
        continue
    }
    let parse = measure { (try? JSONDocument.parse(bytes))?.root.count ?? 0 }
    let walked = measure { (try? JSONDocument.parse(bytes)).map { walk($0.root) } ?? 0 }
    let reser = measure {
        guard let doc = try? JSONDocument.parse(bytes) else { return 0 }
        var w = JSONWriter(capacity: bytes.count + 64)
        emit(doc.root, &w)
        return w.bytes.count
    }
    let viaString = measure {
        guard let doc = try? JSONDocument.parse(bytes) else { return 0 }
        var w = JSONWriter(capacity: bytes.count + 64)
        emitViaString(doc.root, &w)
        return w.bytes.count
    }
    func f(_ s: Double) -> String {
        let v = (mb / s * 10).rounded() / 10
        return "\(v) MB/s"
    }
    print("json \(name) (\(bytes.count / 1000) KB): parse \(f(parse)); parse+walk \(f(walked)); parse+re-serialize \(f(reser)); same via String \(f(viaString))")
}
