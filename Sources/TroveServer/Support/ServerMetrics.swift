import CoreMetrics
import Foundation
import Metrics
import Prometheus
import TroveChat

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
        llmLatency = registry.makeDurationHistogram(descriptor: Self.name("llm_request_duration", "seconds", "Time of a chat reply, all model calls of the tool loop together"),
                                                    buckets: [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60)])
        let tokens = Self.name("tokens", "total", "Tokens used by chat replies")
        promptTokens = registry.makeCounter(descriptor: tokens, labels: [("kind", "prompt")])
        completionTokens = registry.makeCounter(descriptor: tokens, labels: [("kind", "completion")])
    }

    /// `trove_<metric>_<unit>`.
    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "trove", metricName: metric, unitName: unit, helpText: help)
    }

    /// Records one reply's latency and tokens.
    func record(usage: TokenUsage, milliseconds: Int?) {
        promptTokens.increment(by: Int64(usage.promptTokens))
        completionTokens.increment(by: Int64(usage.completionTokens))
        if let ms = milliseconds { llmLatency.record(.milliseconds(ms)) }
    }

    /// The label a collection is counted under: the server's own collections by name;
    /// users' private collections (`u_<user id>_<name>`) all under one label, because
    /// /metrics is public and those names say who has what.
    static func label(of collection: String) -> String {
        collection.hasPrefix("u_") ? "user_collections" : collection
    }

    /// The Prometheus text, with the engine's sizes as of now.
    func scrape(_ database: TroveEngineDatabase) -> String {
        if let stats = try? database.stats() {
            var totals: [String: (documents: Int, bytes: Int64)] = [:]
            for c in stats.collections {
                let label = Self.label(of: c.name)
                totals[label, default: (0, 0)].documents += c.documents
                totals[label, default: (0, 0)].bytes += c.segmentBytes
            }
            for (label, t) in totals {
                registry.makeGauge(descriptor: Self.name("collection", "documents", "Live documents per collection"), labels: [("collection", label)])
                    .set(to: Double(t.documents))
                registry.makeGauge(descriptor: Self.name("collection_segment", "bytes", "Bytes of segment files per collection"), labels: [("collection", label)])
                    .set(to: Double(t.bytes))
            }
        }
        if let bytes = try? database.bytesOnDisk() {
            registry.makeGauge(descriptor: Self.name("database", "bytes", "Bytes of the database folder")).set(to: Double(bytes))
        }
        return registry.emitToString()
    }
}

import TroveEngine
typealias TroveEngineDatabase = Database
