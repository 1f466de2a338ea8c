import TroveEmbed
import TroveEngine
import TroveStorage

/// How a search reads its `text` when the collection has a vector field with `embed`.
public enum SearchMode: String, Sendable {
    /// Full text only (and the caller's own vector, if it sent one).
    case text
    /// The vector side only: the text is embedded unless a vector was sent.
    case vector
    /// Both sides fused: the text is searched and embedded (unless a vector was sent).
    case hybrid
}

/// Server-side embedding for owner collections: a vector field that names
/// `"embed": {"from", "model"}` is filled from its text field on write, and a search's text
/// is embedded for its vector side. Every text of a request goes to the embedder in one
/// call, before anything is written, so a failing embedder leaves nothing half-written.
extension OwnerCollections {
    /// Refuses a schema whose embedded fields this server cannot fill: another model than
    /// its embedder's, or another dimension.
    func checkEmbedding(_ schema: CollectionSchema) throws {
        for (i, f) in schema.fields.enumerated() {
            guard let source = f.embed, case let .vector(dimension, _, _, _, _, _) = f.type else { continue }
            guard source.model == embedder.modelName else {
                throw ChatError.invalid(field: "$.schema.fields[\(i)].embed.model",
                                        reason: "'\(source.model)' is not installed on this server; it embeds with '\(embedder.modelName)'")
            }
            guard dimension == embedder.dimension else {
                throw ChatError.invalid(field: "$.schema.fields[\(i)].dimension",
                                        reason: "\(embedder.modelName) makes \(embedder.dimension)-dimensional vectors, not \(dimension)")
            }
        }
    }

    /// Fills each embedded vector field a document lacks from its source field. A source
    /// that is absent leaves the vector absent; one that is not a string refuses that
    /// document (its index in `failures`, with the member's path). Throws when the
    /// embedder fails or is not the one the field names: then nothing may be written.
    func embedMissing(_ documents: [Document], schema: CollectionSchema) async throws -> (documents: [Document], failures: [Int: (field: String, reason: String)]) {
        var documents = documents
        var failures: [Int: (field: String, reason: String)] = [:]
        for f in schema.fields {
            guard let source = f.embed else { continue }
            try requireModel(source, field: f.name)
            var texts: [String] = []
            var targets: [Int] = []
            for (i, doc) in documents.enumerated() where failures[i] == nil && (doc[f.name] == nil || doc[f.name] == .null) {
                switch doc[source.from] {
                case nil, .null?: continue
                case let .string(text)?:
                    texts.append(text)
                    targets.append(i)
                default: failures[i] = ("$.\(source.from)", "the text that '\(f.name)' is embedded from must be a string")
                }
            }
            guard !texts.isEmpty else { continue }
            let vectors = try await embedder.embed(texts)
            guard vectors.count == texts.count else { throw EmbedderError.endpointResponse(url: embedder.modelName, problem: "\(vectors.count) vectors for \(texts.count) texts") }
            for (target, vector) in zip(targets, vectors) { documents[target][f.name] = .vector(vector) }
        }
        return (documents, failures)
    }

    /// The query with its vector side filled for `mode`: the text embedded with the model
    /// of the vector field it searches, unless the caller sent a vector (which wins).
    func embedded(_ query: EngineQuery, mode: SearchMode?, schema: CollectionSchema) async throws -> EngineQuery {
        guard let mode, mode != .text else { return query }
        var query = query
        if query.vector == nil {
            let vectorFields = schema.fields.filter { if case .vector = $0.type { return true }; return false }
            let named = query.vectorField.flatMap { name in vectorFields.first { $0.name == name } }
            if let asked = query.vectorField, named == nil {
                throw ChatError.invalid(field: "$.vector_field", reason: "'\(asked)' is not a vector field of this collection")
            }
            guard let field = named ?? (vectorFields.count == 1 ? vectorFields.first : nil) else {
                throw ChatError.invalid(field: "$.vector_field",
                                        reason: vectorFields.isEmpty ? "the collection has no vector field" : "name the vector field to search")
            }
            guard let source = field.embed else {
                throw ChatError.invalid(field: "$.mode", reason: "'\(field.name)' has no \"embed\": send \"vector\", or declare the field with \"embed\": {\"from\", \"model\"}")
            }
            guard let text = query.text, !text.isEmpty else { throw ChatError.invalid(field: "$.text", reason: "the text to embed for mode \(mode.rawValue)") }
            try requireModel(source, field: field.name)
            query.vector = try await embedder.embed([text]).first
            query.vectorField = field.name
        }
        if mode == .vector { query.text = nil }
        return query
    }

    /// The field's model must still be the server's: vectors of two models do not compare.
    private func requireModel(_ source: CollectionSchema.EmbedSource, field: String) throws {
        guard source.model == embedder.modelName else {
            throw ChatError.conflict(field: "embed.model",
                                     reason: "'\(field)' is embedded with '\(source.model)', which this server does not have (it embeds with '\(embedder.modelName)')")
        }
    }
}
