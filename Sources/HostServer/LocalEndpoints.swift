import Foundation
import NIOHTTP1

/// Answers the proxy gives itself: /health, /metrics, /v1/models, count_tokens.
enum LocalEndpoints {
    struct Answer {
        var status: Int
        var contentType = "application/json"
        var body: [UInt8]
        /// Extra response headers (rate-limit figures, `x-apxlate-cache`).
        var headers: [(String, String)] = []
    }

    static func health() -> Answer { Answer(status: 200, body: Array("{\"status\":\"ok\"}".utf8)) }

    static func metrics(_ app: ProxyApp) -> Answer {
        let transfers = "# HELP apxlate_upstream_transfers_in_flight Upstream transfers open right now.\n"
            + "# TYPE apxlate_upstream_transfers_in_flight gauge\napxlate_upstream_transfers_in_flight \(app.engines.transfersInFlight)\n"
        return Answer(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array((app.metrics.render() + transfers + app.featureMetrics.render()).utf8))
    }

    /// The models the routes name: exact route names and the upstream models they map to, in the
    /// shape of the client asking (Anthropic when it sent anthropic-version or x-api-key).
    static func models(_ app: ProxyApp, anthropic: Bool) -> Answer {
        var names: [String] = []
        for r in app.routes.routes {
            if case .exact(let n) = r.match { names.append(n) }
            names.append(contentsOf: r.advertisedModels)
        }
        var seen = Set<String>()
        names = names.filter { seen.insert($0).inserted }
        let json: [String: Any]
        if anthropic {
            let data: [[String: Any]] = names.map {
                ["type": "model", "id": $0, "display_name": $0, "created_at": "2025-01-01T00:00:00Z"]
            }
            json = ["data": data, "has_more": false, "first_id": names.first ?? NSNull(), "last_id": names.last ?? NSNull()]
        } else {
            let data: [[String: Any]] = names.map { ["id": $0, "object": "model", "created": 0, "owned_by": "apxlate"] }
            json = ["object": "list", "data": data]
        }
        let body = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])).map(Array.init) ?? Array("{}".utf8)
        return Answer(status: 200, body: body)
    }

    /// POST /v1/messages/count_tokens: the library's local estimate, `{"input_tokens": N}`.
    static func countTokens(_ app: ProxyApp, body: [UInt8]) -> Answer {
        let model = body.withUnsafeBytes { try? app.plainTranslator.requestModel(format: .anthropic, body: $0) } ?? ""
        let translator = app.routes.route(for: model)?.translator ?? app.plainTranslator
        do {
            let n = try translator.countTokens(format: .anthropic, body: body)
            return Answer(status: 200, body: Array("{\"input_tokens\":\(n)}".utf8))
        } catch {
            let status = error.isClientError ? 400 : 500
            return Answer(status: status, body: APXTranslator.buildError(format: .anthropic, status: status, message: "invalid request: " + error.description).body)
        }
    }

    static func error(_ format: WireFormat, _ status: Int, _ message: String) -> Answer {
        let r = APXTranslator.buildError(format: format, status: status, message: message)
        return Answer(status: status, body: r.body)
    }
}
