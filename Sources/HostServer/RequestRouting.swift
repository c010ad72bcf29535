/// Picks the route of a proxied request from the model its body names. The library reads the
/// model (apx_request_model): its error is the client's answer when the body is not JSON, not
/// an object, or names no model, so nothing is translated twice to explain a refusal.
enum RequestRouting {
    enum Outcome {
        case routed(Route, model: String)
        /// Answer the client with this status and message; `model` is what the body named ("" if none).
        case refused(status: Int, message: String, model: String)
    }

    /// `routes`: the table of the request's config snapshot.
    static func route(body: UnsafeRawBufferPointer, format: WireFormat, app: ProxyApp, routes: RouteTable) -> Outcome {
        let model: String
        do {
            model = try app.plainTranslator.requestModel(format: format, body: body)
        } catch {
            return .refused(status: error.isClientError ? 400 : 500, message: "invalid request: " + error.description, model: "")
        }
        guard let route = routes.route(for: model) else {
            return .refused(status: 404, message: "no route for model '\(model)': add one to the config file (routes)", model: model)
        }
        return .routed(route, model: model)
    }
}
