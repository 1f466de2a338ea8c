import TroveEngine
import TroveJSON

private typealias M = ChatMessage.FieldName

/// Token totals of a group of exchanges.
public struct UsageTotals: Sendable, Equatable {
    /// "YYYY-MM-DD" (UTC) for daily figures; nil for a whole conversation.
    public var day: String?
    public var agentID: String?
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// Assistant replies counted.
    public var replies: Int

    public var json: JSONValue {
        .object([
            ("day", day.map(JSONValue.string)), ("agent_id", agentID.map(JSONValue.string)),
            ("prompt_tokens", .int(Int64(promptTokens))), ("completion_tokens", .int(Int64(completionTokens))),
            ("total_tokens", .int(Int64(totalTokens))), ("replies", .int(Int64(replies))),
        ])
    }
}

/// Token usage sums. The provider's usage of an exchange is on its assistant message
/// (user messages carry their own text's count, for the record), so totals add up the
/// assistant replies only (not imported ones) and count each model call once.
public struct UsageReport: Sendable {
    let database: Database

    /// Totals of one conversation.
    public func conversation(owner: String, id: String) async throws -> UsageTotals {
        let buckets = try await sums(owner: owner, filters: [.equals(field: M.conversationID.rawValue, value: id)], groupBy: [])
        return buckets.first ?? UsageTotals(promptTokens: 0, completionTokens: 0, totalTokens: 0, replies: 0)
    }

    /// Totals per UTC day in `[from, to)` (microseconds), for the owner or one of their agents;
    /// with `byAgent`, per day and agent.
    public func daily(owner: String, agentID: String? = nil, from: Int64? = nil, to: Int64? = nil, byAgent: Bool = false) async throws -> [UsageTotals] {
        var filters: [QueryFilter] = []
        if let agentID { filters.append(.equals(field: M.agentID.rawValue, value: agentID)) }
        if from != nil || to != nil { filters.append(.range(field: M.createdAt.rawValue, from: from, to: to)) }
        var groups: [Aggregation.Group] = [.time(M.createdAt.rawValue, .day)]
        if byAgent { groups.append(.keyword(M.agentID.rawValue)) }
        return try await sums(owner: owner, filters: filters, groupBy: groups)
    }

    private func sums(owner: String, filters: [QueryFilter], groupBy: [Aggregation.Group]) async throws -> [UsageTotals] {
        let q = EngineQuery(filters: filters + [.equals(field: M.role.rawValue, value: ChatRole.assistant.rawValue), .equals(field: M.status.rawValue, value: "ok")], limit: 0)
        let agg = Aggregation(groupBy: groupBy, metrics: [.sum(M.promptTokens.rawValue), .sum(M.completionTokens.rawValue), .sum(M.totalTokens.rawValue)])
        let buckets = try await database.aggregate(q, agg, in: ChatCollections.messages, tenant: owner)
        return buckets.map { b in
            let grouped = !groupBy.isEmpty
            return UsageTotals(day: grouped ? b.key.first : nil, agentID: groupBy.count > 1 ? b.key.last : nil,
                               promptTokens: Int(b.values[0] ?? 0), completionTokens: Int(b.values[1] ?? 0),
                               totalTokens: Int(b.values[2] ?? 0), replies: b.count)
        }
    }
}
