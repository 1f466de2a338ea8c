/// The API's OpenAPI 3.1 document, maintained by hand beside the routes (a test checks
/// that it lists exactly the routes the router has, and schemathesis checks every answer
/// against it: `Benchmarks/api-schema/run.py`), and the `/docs` page that renders it. The
/// schemas the operations name are in `OpenAPIComponents`.
enum OpenAPIDocument {
    static let json = #"{"openapi":"3.1.0","info":"# + info + #","servers":[{"url":"/"}],"paths":"# + paths
        + #","components":"# + OpenAPIComponents.json + "}"

    private static let info = #"""
{"title":"Trove API","version":"1.0.0","description":"Agents, conversations, messages with token usage, files and RAG, and an OpenAI-compatible /v1, over Trove's embedded engine."}
"""#

    /// One operation a line. Every operation answers its 4xx errors in the one `Error`
    /// shape; what its success returns is a schema of `OpenAPIComponents`.
    private static let paths = #"""
{
  "/health":{"get":{"summary":"Liveness, engine and chat provider status","tags":["system"],"security":[],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Health"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/metrics":{"get":{"summary":"Prometheus metrics: requests and latency by route, LLM latency, tokens, index sizes","tags":["system"],"security":[],"responses":{"200":{"description":"Prometheus text","content":{"text/plain":{"schema":{"type":"string"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/openapi.json":{"get":{"summary":"This document","tags":["system"],"security":[],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"type":"object","required":["openapi","info","paths","components"]}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/docs":{"get":{"summary":"A page that renders this document","tags":["system"],"security":[],"responses":{"200":{"description":"HTML","content":{"text/html":{"schema":{"type":"string"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/auth/login":{
   "post":{"summary":"Exchange a username and password for an access token (JWT, HS256)","tags":["auth"],"security":[],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["username","password"],"properties":{"username":{"type":"string"},"password":{"type":"string"}}}}}},"responses":{"200":{"description":"Token","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Token"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/auth/me":{"get":{"summary":"The calling user","tags":["auth"],"security":[{"bearer":[]}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/User"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/keys":{
   "post":{"summary":"Create an API key (trv_…, shown once)","tags":["auth"],"security":[{"bearer":[]}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","properties":{"name":{"type":"string","maxLength":200,"description":"at most 200 bytes"}}}}}},"responses":{"201":{"description":"Created; key is the secret","content":{"application/json":{"schema":{"$ref":"#/components/schemas/NewApiKey"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "get":{"summary":"List the caller's API keys","tags":["auth"],"security":[{"bearer":[]}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/ApiKeyPage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/keys/{id}":{"delete":{"summary":"Revoke an API key","tags":["auth"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"204":{"description":"Revoked"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/users":{
   "post":{"summary":"Create a user (admin)","tags":["users"],"security":[{"bearer":[]}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/UserInput"}}}},"responses":{"201":{"description":"Created","content":{"application/json":{"schema":{"$ref":"#/components/schemas/User"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "get":{"summary":"List users (admin)","tags":["users"],"security":[{"bearer":[]}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/UserPage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/users/{id}":{
   "patch":{"summary":"Disable or enable a user (admin)","tags":["users"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["disabled"],"properties":{"disabled":{"type":"boolean"}}}}}},"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/User"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "delete":{"summary":"Delete a user and their API keys (admin)","tags":["users"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"204":{"description":"Deleted"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/agents":{
   "post":{"summary":"Create an agent","tags":["agents"],"security":[{"bearer":[]}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"allOf":[{"$ref":"#/components/schemas/AgentInput"}],"required":["name"]}}}},"responses":{"201":{"description":"Created","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Agent"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "get":{"summary":"List agents, newest first","tags":["agents"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Limit"},{"$ref":"#/components/parameters/Cursor"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/AgentPage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/agents/{id}":{
   "get":{"summary":"Read an agent","tags":["agents"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Agent"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "patch":{"summary":"Change an agent's fields","tags":["agents"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/AgentInput"}}}},"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Agent"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "delete":{"summary":"Delete an agent","tags":["agents"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"204":{"description":"Deleted"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/conversations":{
   "post":{"summary":"Create a conversation","tags":["conversations"],"security":[{"bearer":[]}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","additionalProperties":false,"properties":{"agent_id":{"type":"string","description":"one of the caller's agents"},"title":{"type":"string","maxLength":500,"description":"at most 500 bytes"}}}}}},"responses":{"201":{"description":"Created","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Conversation"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "get":{"summary":"List conversations by last activity","tags":["conversations"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Limit"},{"$ref":"#/components/parameters/Cursor"},{"name":"agent_id","in":"query","required":false,"schema":{"type":"string"},"description":"only this agent's"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/ConversationPage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/conversations/{id}":{
   "get":{"summary":"Read a conversation","tags":["conversations"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Conversation"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "patch":{"summary":"Rename","tags":["conversations"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","additionalProperties":false,"required":["title"],"properties":{"title":{"type":"string","maxLength":500,"description":"at most 500 bytes"}}}}}},"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Conversation"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "delete":{"summary":"Delete with all its messages","tags":["conversations"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"204":{"description":"Deleted"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/conversations/{id}/messages":{
   "get":{"summary":"Messages, oldest first","tags":["conversations"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"},{"$ref":"#/components/parameters/Limit"},{"$ref":"#/components/parameters/Cursor"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/MessagePage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "post":{"summary":"Send a message; stream=true answers server-sent events (delta, tool_step, done); reply=false only stores it","tags":["conversations"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"},{"name":"stream","in":"query","required":false,"schema":{"type":"string"},"description":"true for SSE (unless the body says stream: false)"}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/MessageInput"}}}},"responses":{"201":{"description":"The stored exchange, or with reply=false the stored message","content":{"application/json":{"schema":{"anyOf":[{"$ref":"#/components/schemas/Exchange"},{"$ref":"#/components/schemas/Message"}]}}}},"200":{"description":"The exchange as server-sent events","content":{"text/event-stream":{"schema":{"$ref":"#/components/schemas/ConversationEvent"}}}},"502":{"$ref":"#/components/responses/ProviderError"},"503":{"$ref":"#/components/responses/ProviderError"},"504":{"$ref":"#/components/responses/ProviderError"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/conversations/{id}/tokens":{"get":{"summary":"Token totals of a conversation","tags":["conversations"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/UsageTotals"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/messages/search":{
   "get":{"summary":"Search messages by text and time","tags":["messages"],"security":[{"bearer":[]}],"parameters":[{"name":"q","in":"query","required":false,"schema":{"type":"string"},"description":"any text (match): its words OR-ed"},{"name":"syntax","in":"query","required":false,"schema":{"enum":["match","query_string"]},"description":"query_string: \"phrases\", +must, -not, prefix*, ^boost"},{"$ref":"#/components/parameters/From"},{"$ref":"#/components/parameters/To"},{"name":"conversation_id","in":"query","required":false,"schema":{"type":"string"},"description":"one conversation"},{"name":"order","in":"query","required":false,"schema":{"enum":["newest","relevance"]}},{"$ref":"#/components/parameters/Limit"},{"$ref":"#/components/parameters/Cursor"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/MessageHitPage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/usage":{
   "get":{"summary":"Token totals per UTC day","tags":["usage"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/From"},{"$ref":"#/components/parameters/To"},{"name":"agent_id","in":"query","required":false,"schema":{"type":"string"},"description":"one agent"},{"name":"by","in":"query","required":false,"schema":{"enum":["day","agent"]},"description":"agent: per day and agent"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/UsagePage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/admin/backup":{
   "post":{"summary":"Back up the whole data folder (engine online, blobs, secrets) into a new folder on the server (admins)","tags":["admin"],"security":[{"bearer":[]}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["to"],"properties":{"to":{"type":"string","pattern":"^/","description":"absolute path of a new or empty folder"}}}}}},"responses":{"201":{"description":"Created","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Backup"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/files":{
   "post":{"summary":"Upload a file (multipart field 'file', optional 'collection'; or a raw body with ?name=)","tags":["files"],"security":[{"bearer":[]}],"parameters":[{"name":"name","in":"query","required":false,"schema":{"type":"string"},"description":"raw uploads: the file name (required with a raw body)"},{"name":"collection","in":"query","required":false,"schema":{"$ref":"#/components/schemas/CollectionName"},"description":"knowledge collection (default files)"}],"requestBody":{"required":true,"content":{"multipart/form-data":{"schema":{"type":"object","required":["file"],"properties":{"file":{"type":"string","contentMediaType":"application/octet-stream"},"collection":{"$ref":"#/components/schemas/CollectionName"}}}},"application/octet-stream":{"schema":{"type":"string","contentMediaType":"application/octet-stream"}}}},"responses":{"201":{"description":"Created","content":{"application/json":{"schema":{"$ref":"#/components/schemas/File"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "get":{"summary":"List files, newest first","tags":["files"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Limit"},{"$ref":"#/components/parameters/Cursor"},{"name":"collection","in":"query","required":false,"schema":{"type":"string"},"description":"one collection"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/FilePage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/files/{id}":{
   "get":{"summary":"Read a file's metadata","tags":["files"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/File"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "delete":{"summary":"Delete a file, its chunks, and its bytes when unshared","tags":["files"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"204":{"description":"Deleted"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/files/{id}/reindex":{
   "post":{"summary":"Extract, chunk and index a stored file again (after a failure, or a crash that left it 'stored')","tags":["files"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/File"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/files/{id}/url":{
   "get":{"summary":"A signed download link","tags":["files"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Id"},{"name":"expires_in","in":"query","required":false,"schema":{"type":"integer","minimum":1,"maximum":604800},"description":"seconds (default 3600)"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/SignedURL"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/files/signed/{token}":{
   "get":{"summary":"Download through a signed link","tags":["files"],"security":[],"parameters":[{"name":"token","in":"path","required":true,"schema":{"type":"string","minLength":1}}],"responses":{"200":{"description":"The file's bytes, with its content type","content":{"*/*":{"schema":{"type":"string","contentMediaType":"application/octet-stream"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/v1/models":{"get":{"summary":"Models of the configured provider and the caller's agents","tags":["openai"],"security":[{"bearer":[]}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Models"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/v1/chat/completions":{
   "post":{"summary":"OpenAI chat completion (stream: true for SSE chunks ending in [DONE]); an agent id as model; conversation_id to persist","tags":["openai"],"security":[{"bearer":[]}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/ChatCompletionRequest"}}}},"responses":{"200":{"description":"A completion, or with stream: true its chunks","content":{"application/json":{"schema":{"$ref":"#/components/schemas/ChatCompletion"}},"text/event-stream":{"schema":{"$ref":"#/components/schemas/ChatCompletionChunkEvent"}}}},"502":{"$ref":"#/components/responses/ProviderError"},"503":{"$ref":"#/components/responses/ProviderError"},"504":{"$ref":"#/components/responses/ProviderError"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/v1/embeddings":{
   "post":{"summary":"OpenAI embeddings with the configured embedder","tags":["openai"],"security":[{"bearer":[]}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["input"],"properties":{"model":{"type":"string"},"input":{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":2048}]}}}}}},"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Embeddings"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/collections":{
   "post":{"summary":"Create one of your collections with a schema","tags":["collections"],"security":[{"bearer":[]}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["name","schema"],"properties":{"name":{"$ref":"#/components/schemas/CollectionName"},"schema":{"$ref":"#/components/schemas/CollectionSchemaInput"}}}}}},"responses":{"201":{"description":"Created","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Collection"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "get":{"summary":"List your collections","tags":["collections"],"security":[{"bearer":[]}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/CollectionPage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/collections/{name}":{
   "get":{"summary":"A collection's schema and document count","tags":["collections"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Collection"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Collection"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "delete":{"summary":"Drop a collection","tags":["collections"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Collection"}],"responses":{"204":{"description":"Dropped"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/collections/{name}/documents/{id}":{
   "put":{"summary":"Insert or replace a document","tags":["collections"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Collection"},{"$ref":"#/components/parameters/DocumentId"}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","description":"the fields (the path names the id; an id member, a string or an integer, is ignored)"}}}},"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Document"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "get":{"summary":"Read a document","tags":["collections"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Collection"},{"$ref":"#/components/parameters/DocumentId"}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Document"}}}},"4XX":{"$ref":"#/components/responses/Error"}}},
   "delete":{"summary":"Delete a document","tags":["collections"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Collection"},{"$ref":"#/components/parameters/DocumentId"}],"responses":{"204":{"description":"Deleted"},"4XX":{"$ref":"#/components/responses/Error"}}}},
  "/api/collections/{name}/search":{
   "post":{"summary":"Search: text (match or query_string), vector or both (RRF or linear fusion), filters, sort, cursor","tags":["collections"],"security":[{"bearer":[]}],"parameters":[{"$ref":"#/components/parameters/Collection"}],"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/SearchRequest"}}}},"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/SearchHitPage"}}}},"4XX":{"$ref":"#/components/responses/Error"}}}}
}
"""#

    static let page = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trove API</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{margin-top:2rem;text-transform:capitalize}code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}
.m{display:inline-block;width:4.5rem;font-weight:600}.get{color:#0a6}.post{color:#06c}.patch{color:#a60}.delete{color:#c22}
.lock{color:#888;font-size:.85em}</style></head>
<body><h1>Trove API</h1><p id="d"></p><div id="routes">Loading <code>/openapi.json</code>…</div>
<script>
fetch('/openapi.json').then(r => r.json()).then(doc => {
  document.getElementById('d').textContent = doc.info.description;
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops))
      (byTag[op.tags[0]] = byTag[op.tags[0]] || []).push({path, method, op});
  const out = [];
  for (const [tag, items] of Object.entries(byTag)) {
    out.push('<h2>' + tag + '</h2><ul>');
    for (const {path, method, op} of items)
      out.push('<li><span class="m ' + method + '">' + method.toUpperCase() + '</span><code>' + path + '</code> ' + op.summary +
               (op.security && op.security.length ? ' <span class="lock">(bearer)</span>' : '') + '</li>');
    out.push('</ul>');
  }
  document.getElementById('routes').innerHTML = out.join('');
});
</script></body></html>
"""#
}
