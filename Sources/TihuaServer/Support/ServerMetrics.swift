import Prometheus

/// The server's Prometheus metrics, in a registry of its own (no global
/// bootstrap, so that several servers can run in one process): requests
/// and their latency per route and status, the model queue's depth and the
/// time of model passes. `GET /metrics` emits them in the text format.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let queueGauge: Gauge
    private let passHistogram: DurationHistogram
    private let batchHistogram: ValueHistogram

    static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    init() {
        queueGauge = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "tihua", metricName: "model_queue", unitName: "depth",
            helpText: "Requests waiting for a model forward pass."))
        passHistogram = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "tihua", metricName: "model_pass", unitName: "seconds",
                                             helpText: "Time of a façade call that runs the model, in its pass slot."),
            labels: [], buckets: Self.latencyBuckets)
        batchHistogram = registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(namespace: "tihua", metricName: "model_pass_batch", unitName: "queries",
                                             helpText: "Queries embedded together in one model pass."),
            labels: [], buckets: [1, 2, 4, 8, 16, 32, 64])
    }

    func request(route: String, method: String, status: Int, latency: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "tihua", metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered."),
            labels: labels).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "tihua", metricName: "http_request_duration", unitName: "seconds",
                                             helpText: "Time from a request's head to its answer."),
            labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets).record(latency)
    }

    func queueDepth(_ depth: Int) { queueGauge.set(Double(depth)) }

    func modelPass(_ duration: Duration, batch: Int) {
        passHistogram.record(duration)
        batchHistogram.record(Double(batch))
    }

    /// The Prometheus text exposition.
    func text() -> [UInt8] { registry.emitToBuffer() }
}
