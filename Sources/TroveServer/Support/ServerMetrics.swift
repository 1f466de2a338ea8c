import CoreMetrics
import Foundation
import Metrics
import Prometheus
import TroveChat
import TroveStorage

/// The process's Prometheus registry. Hummingbird's `MetricsMiddleware` reports requests
/// and their latency by route through swift-metrics into it; the chat routes add model
/// latency and tokens; index sizes are read from the engine at each scrape.
public final class ServerMetrics: Sendable {
    /// One registry per process: swift-metrics can be bootstrapped only once.
    public static let shared = ServerMetrics()

    let registry = PrometheusCollectorRegistry()
    private let llmLatency: DurationHistogram
    private let promptTokens: Prometheus.Counter
    private let completionTokens: Prometheus.Counter

    private init() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        llmLatency = registry.makeDurationHistogram(name: "trove_llm_request_duration_seconds",
                                                    buckets: [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60)],
                                                    help: "Time of a chat reply, all model calls of the tool loop together")
        promptTokens = registry.makeCounter(name: "trove_tokens_total", labels: [("kind", "prompt")], help: "Tokens used by chat replies")
        completionTokens = registry.makeCounter(name: "trove_tokens_total", labels: [("kind", "completion")], help: "Tokens used by chat replies")
    }

    /// Records one reply's latency and tokens.
    func record(usage: TokenUsage, milliseconds: Int?) {
        promptTokens.increment(by: Int64(usage.promptTokens))
        completionTokens.increment(by: Int64(usage.completionTokens))
        if let ms = milliseconds { llmLatency.record(.milliseconds(ms)) }
    }

    /// The Prometheus text, with the engine's sizes as of now.
    func scrape(_ database: TroveEngineDatabase) -> String {
        if let snapshot = try? database.store.snapshot() {
            for c in snapshot.stats() {
                registry.makeGauge(name: "trove_collection_documents", labels: [("collection", c.name)], help: "Live documents per collection").set(to: Double(c.documents))
                registry.makeGauge(name: "trove_collection_segment_bytes", labels: [("collection", c.name)], help: "Bytes of segment files per collection").set(to: Double(c.segmentBytes))
            }
        }
        if let bytes = try? database.store.bytesOnDisk() {
            registry.makeGauge(name: "trove_database_bytes", help: "Bytes of the database folder").set(to: Double(bytes))
        }
        return registry.emitToString()
    }
}

import TroveEngine
typealias TroveEngineDatabase = Database
