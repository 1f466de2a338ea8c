"""`Trove`: typed methods over the server's HTTP API. Every method returns the server's JSON
(dicts and lists, as documented at /openapi.json) and raises a `TroveError` subclass for an
error answer, so a caller can `except NotFound` or read `BadRequest.code` for the member's
path."""
from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Union

from .transport import Transport, ndjson

Document = Dict[str, Any]


def _name(part: str) -> str:
    return urllib.parse.quote(part, safe="")


@dataclass(frozen=True)
class Index:
    """A `_bulk` action: insert or replace `document` (its `id` member, or `id` here, or one the server makes)."""
    document: Document
    id: Optional[str] = None


@dataclass(frozen=True)
class Delete:
    """A `_bulk` action: delete the document `id`."""
    id: str


@dataclass(frozen=True)
class BulkResult:
    """The answer of one `_bulk` call: `items` in action order, each
    `{"index" | "delete": {"_id", "line", "status", "result" | "error"}}`."""
    errors: bool
    failed: int
    items: List[Dict[str, Any]]

    @property
    def failures(self) -> List[Dict[str, Any]]:
        """The items the server refused, each with its `error` (`code` is the member's path)."""
        return [body for item in self.items for body in item.values() if body.get("status", 200) >= 400 and "error" in body]


class Collections:
    """`/api/collections`: the caller's own collections."""

    def __init__(self, t: Transport):
        self._t = t

    def create(self, name: str, fields: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
        """A collection with a schema: `[{"name": "body", "type": "text"}, {"name": "emb", "type": "vector",
        "dimension": 384, "embed": {"from": "body", "model": "all-MiniLM-L6-v2"}}]`."""
        return self._t.request("POST", "/api/collections", {"name": name, "schema": {"fields": list(fields)}})

    def list(self) -> List[Dict[str, Any]]:
        return self._t.request("GET", "/api/collections")["data"]

    def get(self, name: str) -> Dict[str, Any]:
        return self._t.request("GET", f"/api/collections/{_name(name)}")

    def drop(self, name: str) -> None:
        self._t.request("DELETE", f"/api/collections/{_name(name)}")

    def put(self, name: str, id: str, document: Document) -> Document:
        return self._t.request("PUT", f"/api/collections/{_name(name)}/documents/{_name(id)}", document)

    def get_document(self, name: str, id: str) -> Document:
        return self._t.request("GET", f"/api/collections/{_name(name)}/documents/{_name(id)}")

    def delete_document(self, name: str, id: str) -> None:
        self._t.request("DELETE", f"/api/collections/{_name(name)}/documents/{_name(id)}")

    def bulk(self, name: str, actions: Iterable[Union[Index, Delete, Document]], atomic: bool = False) -> BulkResult:
        """Index and delete in one request, streamed as NDJSON (a plain dict is an `Index`).
        With `atomic`, one refused document refuses them all (`BadRequest`, `code` such as
        `line 4: $.tokens`); otherwise refused documents are in `result.failures`."""
        def lines() -> Iterator[Dict[str, Any]]:
            for action in actions:
                if isinstance(action, Delete):
                    yield {"delete": {"_id": action.id}}
                    continue
                document = action.document if isinstance(action, Index) else action
                wanted = action.id if isinstance(action, Index) else None
                yield {"index": {"_id": wanted} if wanted is not None else {}}
                yield document
        answer = self._t.request("POST", f"/api/collections/{_name(name)}/_bulk", params={"atomic": atomic or None},
                                 body=ndjson(lines()), content_type="application/x-ndjson")
        return BulkResult(answer["errors"], answer["failed"], answer["items"])

    def search(self, name: str, text: Optional[str] = None, *, vector: Optional[Sequence[float]] = None,
               mode: Optional[str] = None, filters: Optional[List[Dict[str, Any]]] = None, limit: Optional[int] = None,
               cursor: Optional[str] = None, **options: Any) -> Dict[str, Any]:
        """One page: `{"data": [{"id", "score", "document", "snippets"?}], "next_cursor"}`. `mode`
        `"hybrid"` or `"vector"` embeds `text` on the server for a field declared with `embed`.
        Other members of the search body (`sort`, `fusion`, `vector_field`, `snippets`, ...) go in `options`."""
        body = {"text": text, "vector": list(vector) if vector is not None else None, "mode": mode, "filters": filters,
                "limit": limit, "cursor": cursor, **options}
        return self._t.request("POST", f"/api/collections/{_name(name)}/search", {k: v for k, v in body.items() if v is not None})

    def count(self, name: str, text: Optional[str] = None, *, filters: Optional[List[Dict[str, Any]]] = None, **options: Any) -> int:
        body = {"text": text, "filters": filters, **options}
        return self._t.request("POST", f"/api/collections/{_name(name)}/_count", {k: v for k, v in body.items() if v is not None})["count"]

    def aggregate(self, name: str, group_by: Sequence[Dict[str, str]], metrics: Sequence[Dict[str, str]] = (),
                  **options: Any) -> Dict[str, Any]:
        """Buckets: `group_by=[{"field": "kind"}, {"field": "at", "interval": "day"}]`,
        `metrics=[{"sum": "tokens"}]`; `text`, `filters`, `order`, `size` in `options`."""
        return self._t.request("POST", f"/api/collections/{_name(name)}/_aggregate",
                               {"group_by": list(group_by), "metrics": list(metrics), **options})

    def delete_by_query(self, name: str, text: Optional[str] = None, *, filters: Optional[List[Dict[str, Any]]] = None,
                        all: bool = False) -> int:
        body: Dict[str, Any] = {"all": True} if all else {k: v for k, v in {"text": text, "filters": filters}.items() if v is not None}
        return self._t.request("POST", f"/api/collections/{_name(name)}/_delete_by_query", body)["deleted"]

    def export(self, name: str) -> Iterator[Document]:
        """Every document, read as the server streams them."""
        return self._t.stream_lines(f"/api/collections/{_name(name)}/_export")


class Files:
    """`/api/files`: uploads, chunked and embedded for retrieval."""

    def __init__(self, t: Transport):
        self._t = t

    def upload(self, file: Union[str, bytes], name: Optional[str] = None, collection: Optional[str] = None) -> Dict[str, Any]:
        """A path, or bytes with a `name`; returns the file record with its ingestion state."""
        if isinstance(file, str):
            with open(file, "rb") as f:
                data = f.read()
            name = name or os.path.basename(file)
        else:
            data = file
        if not name:
            raise ValueError("bytes need a name")
        return self._t.request("POST", "/api/files", params={"name": name, "collection": collection}, body=data,
                               content_type="application/octet-stream")

    def list(self, collection: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None) -> Dict[str, Any]:
        return self._t.request("GET", "/api/files", params={"collection": collection, "limit": limit, "cursor": cursor})

    def get(self, id: str) -> Dict[str, Any]:
        return self._t.request("GET", f"/api/files/{_name(id)}")

    def delete(self, id: str) -> None:
        self._t.request("DELETE", f"/api/files/{_name(id)}")


class Conversations:
    """`/api/conversations` and their messages."""

    def __init__(self, t: Transport):
        self._t = t

    def create(self, agent_id: Optional[str] = None, title: Optional[str] = None) -> Dict[str, Any]:
        return self._t.request("POST", "/api/conversations", {k: v for k, v in {"agent_id": agent_id, "title": title}.items() if v is not None})

    def list(self, agent_id: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None) -> Dict[str, Any]:
        return self._t.request("GET", "/api/conversations", params={"agent_id": agent_id, "limit": limit, "cursor": cursor})

    def get(self, id: str) -> Dict[str, Any]:
        return self._t.request("GET", f"/api/conversations/{_name(id)}")

    def rename(self, id: str, title: str) -> Dict[str, Any]:
        return self._t.request("PATCH", f"/api/conversations/{_name(id)}", {"title": title})

    def delete(self, id: str) -> None:
        self._t.request("DELETE", f"/api/conversations/{_name(id)}")

    def send(self, id: str, content: str) -> Dict[str, Any]:
        """Asks the agent: `{"conversation", "user", "assistant"}` with usage and sources."""
        return self._t.request("POST", f"/api/conversations/{_name(id)}/messages", {"content": content})

    def messages(self, id: str, limit: Optional[int] = None, cursor: Optional[str] = None) -> Dict[str, Any]:
        return self._t.request("GET", f"/api/conversations/{_name(id)}/messages", params={"limit": limit, "cursor": cursor})

    def import_messages(self, id: str, messages: Sequence[Dict[str, str]]) -> List[Dict[str, Any]]:
        """An existing history, `[{"role": "user" | "assistant", "content", "created_at"?}]`,
        kept with its own times; all are stored or none."""
        return self._t.request("POST", f"/api/conversations/{_name(id)}/messages/_import", {"messages": list(messages)})["data"]

    def search_messages(self, q: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
                        conversation_id: Optional[str] = None, limit: Optional[int] = None) -> Dict[str, Any]:
        """Messages by text and by time (RFC 3339 `since` and `until`)."""
        return self._t.request("GET", "/api/messages/search",
                               params={"q": q, "from": since, "to": until, "conversation_id": conversation_id, "limit": limit})


class Trove:
    """A client of one Trove server.

        trove = Trove("http://127.0.0.1:8080", api_key="trv_...")   # or Trove(url).login(user, password)
        trove.collections.bulk("notes", [{"id": "n1", "body": "..."}])
        trove.collections.search("notes", "wading birds", mode="hybrid")
    """

    def __init__(self, base_url: str = "http://127.0.0.1:8080", api_key: Optional[str] = None, timeout: float = 300.0):
        self._t = Transport(base_url, api_key, timeout)
        self.collections = Collections(self._t)
        self.files = Files(self._t)
        self.conversations = Conversations(self._t)

    def login(self, username: str, password: str) -> "Trove":
        """Signs in with a password; later calls carry the access token."""
        self._t.token = None
        self._t.token = self._t.request("POST", "/api/auth/login", {"username": username, "password": password})["access_token"]
        return self

    def me(self) -> Dict[str, Any]:
        return self._t.request("GET", "/api/auth/me")

    def retrieve(self, query: str, top_k: int = 5, collections: Optional[Sequence[str]] = None, hybrid: bool = True) -> List[Dict[str, Any]]:
        """Cited passages of the caller's files for `query`, without a model call."""
        body: Dict[str, Any] = {"query": query, "top_k": top_k, "hybrid": hybrid}
        if collections is not None:
            body["collections"] = list(collections)
        return self._t.request("POST", "/api/retrieve", body)["data"]

    def embed(self, texts: Sequence[str]) -> List[List[float]]:
        """The server's embedding of each text (`/v1/embeddings`)."""
        answer = self._t.request("POST", "/v1/embeddings", {"input": list(texts), "model": "default"})
        return [item["embedding"] for item in sorted(answer["data"], key=lambda d: d["index"])]

    def health(self) -> Dict[str, Any]:
        return self._t.request("GET", "/health")

    def close(self) -> None:
        self._t.close()

    def __enter__(self) -> "Trove":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
