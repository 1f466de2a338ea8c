"""Drives a live `trove serve` with langchain-openai as its docs show: ChatOpenAI invoke
and stream, and OpenAIEmbeddings with its defaults (which tokenize with tiktoken and send
cl100k_base token ids, not text). Run by Tests/troveTests/OpenAIClientTests.swift with
TROVE_URL, TROVE_ADMIN_PASSWORD and TROVE_DIM set (it logs in and makes an API key); the model behind the server is the test stand-in,
which answers "Echo: <last user message>". Prints one line per check.

There is no internet here, so tiktoken's download of cl100k_base is served from its cache:
the file scripts/install-model.sh put beside the models is copied in under the name
tiktoken gives that URL. LangChain itself is used unchanged."""
import hashlib
import os
import shutil
import tempfile

cache = tempfile.mkdtemp(prefix="tiktoken-cache-")
url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
shutil.copy(os.environ.get("TROVE_MODELS", "models") + "/cl100k_base.tiktoken", os.path.join(cache, hashlib.sha1(url.encode()).hexdigest()))
os.environ["TIKTOKEN_CACHE_DIR"] = cache

import httpx  # noqa: E402
from langchain_openai import ChatOpenAI, OpenAIEmbeddings  # noqa: E402

root = os.environ["TROVE_URL"]
token = httpx.post(root + "/api/auth/login", json={"username": "admin", "password": os.environ["TROVE_ADMIN_PASSWORD"]}).json()["access_token"]
key = httpx.post(root + "/api/keys", json={"name": "langchain"}, headers={"Authorization": "Bearer " + token}).json()["key"]
base, dim = root + "/v1", int(os.environ["TROVE_DIM"])

llm = ChatOpenAI(model="standin", base_url=base, api_key=key, max_retries=0)
reply = llm.invoke("how deep is the harbour")
assert reply.content == "Echo: how deep is the harbour", reply
assert reply.usage_metadata["output_tokens"] == 6, reply.usage_metadata
print("chat invoke ok", reply.usage_metadata["total_tokens"])

pieces = list(llm.stream("stream three words"))
assert "".join(p.content for p in pieces) == "Echo: stream three words", pieces
assert len([p for p in pieces if p.content]) >= 2, pieces
counted = ChatOpenAI(model="standin", base_url=base, api_key=key, max_retries=0, stream_usage=True)
total = None
for p in counted.stream("stream three words"):
    total = p if total is None else total + p
assert total.content == "Echo: stream three words", total
assert total.usage_metadata and total.usage_metadata["output_tokens"] == 4, total.usage_metadata
print("chat stream ok", len(pieces))

embeddings = OpenAIEmbeddings(model="text-embedding-3-small", base_url=base, api_key=key, max_retries=0)
docs = embeddings.embed_documents(["the heron nests by the estuary", "tides turn twice a day"])
assert len(docs) == 2 and all(len(d) == dim for d in docs), [len(d) for d in docs]
query = embeddings.embed_query("the heron nests by the estuary")
assert max(abs(a - b) for a, b in zip(query, docs[0])) < 1e-5, "the token ids embed as the same text"
as_text = OpenAIEmbeddings(model="text-embedding-3-small", base_url=base, api_key=key, max_retries=0, check_embedding_ctx_length=False)
assert max(abs(a - b) for a, b in zip(as_text.embed_query("tides turn twice a day"), docs[1])) < 1e-5
print("embeddings ok", len(docs[0]))
