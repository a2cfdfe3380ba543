import Hummingbird
import Logging

/// One log line per request (method, route, status, latency) and its
/// metrics; also turns every error into a JSON answer here, so that the
/// line and the metrics carry the status the client gets.
struct RequestLog<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let retryAfter: Int

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = APIError.from(error, retryAfter: retryAfter).response()
        }
        let latency = ContinuousClock.now - start
        // The matched route's pattern, not the path a client sent (bounded labels).
        let route = context.endpointPath ?? "unmatched"
        let status = Int(response.status.code)
        metrics.request(route: route, method: request.method.rawValue, status: status, latency: latency)
        context.logger.info("\(request.method.rawValue) \(route) \(status) \(Self.milliseconds(latency)) ms")
        return response
    }

    static func milliseconds(_ d: Duration) -> String {
        let (s, attoseconds) = d.components
        let ms = Double(s) * 1000 + Double(attoseconds) / 1e15
        return String(format: "%.3f", ms)
    }
}
