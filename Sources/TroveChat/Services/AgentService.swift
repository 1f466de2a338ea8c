import TroveEngine
import TroveJSON

/// Agents (bots): create, read, update, delete and list, each scoped to its owner.
public struct AgentService: Sendable {
    let database: Database
    let ids: IDGenerator
    /// Seals the agents' own provider keys.
    let keys: AgentKeyVault
    var queries: RecordQueries { RecordQueries(database: database) }

    /// Creates an agent from its JSON form (`name` required).
    public func create(owner: String, _ json: JSONValue) async throws -> Agent {
        let agent = try draft(owner: owner, json)
        try await database.put(agent.document, in: ChatCollections.agents, tenant: owner)
        return agent
    }

    /// The agent `create` would write, not written: for a caller that writes it in a batch
    /// of its own.
    func draft(owner: String, _ json: JSONValue) throws -> Agent {
        guard json["name"] != nil else { throw ChatError.invalid(field: "$.name", reason: "required") }
        var agent = Agent(id: ids.next(), owner: owner)
        try agent.apply(json, keys: keys)
        agent.createdAt = RecordClock.now()
        agent.updatedAt = agent.createdAt
        return agent
    }

    public func get(owner: String, id: String) async throws -> Agent {
        guard let d = try await queries.get(id, in: ChatCollections.agents, owner: owner) else { throw ChatError.notFound(kind: "agent", id: id) }
        return try Agent(document: d)
    }

    /// Changes the fields `json` holds; the others stay.
    public func update(owner: String, id: String, _ json: JSONValue) async throws -> Agent {
        var agent = try await get(owner: owner, id: id)
        try agent.apply(json, keys: keys)
        agent.updatedAt = RecordClock.now()
        try await database.put(agent.document, in: ChatCollections.agents, tenant: owner)
        return agent
    }

    /// Deletes the agent; its conversations stay and go on with the default settings.
    public func delete(owner: String, id: String) async throws {
        guard try await database.delete(id, in: ChatCollections.agents, tenant: owner) else { throw ChatError.notFound(kind: "agent", id: id) }
    }

    /// Newest first, one page and the cursor of the next.
    public func list(owner: String, limit: Int = 50, cursor: String? = nil) async throws -> (agents: [Agent], cursor: String?) {
        let page = try await queries.page(in: ChatCollections.agents, owner: owner, sort: Agent.FieldName.createdAt.rawValue, descending: true,
                                          limit: max(1, min(limit, 1000)), cursor: cursor)
        return (try page.documents.map(Agent.init(document:)), page.cursor)
    }
}
