"""Drives a live `trove serve` with the official openai SDK: lists models, makes a chat
completion, streams one, and creates embeddings, asserting on content, usage and the
chunk sequence. Run by Tests/troveTests/OpenAIClientTests.swift with TROVE_URL,
TROVE_ADMIN_PASSWORD and TROVE_DIM set (it logs in and makes an API key); the chat model behind the server is the test stand-in, which answers
"Echo: <last user message>" and counts words as tokens. Prints one line per check."""
import os
import sys

import httpx
from openai import OpenAI, NotFoundError, AuthenticationError

base = os.environ["TROVE_URL"]
token = httpx.post(base + "/api/auth/login", json={"username": "admin", "password": os.environ["TROVE_ADMIN_PASSWORD"]}).json()["access_token"]
key = httpx.post(base + "/api/keys", json={"name": "openai-sdk"}, headers={"Authorization": "Bearer " + token}).json()["key"]
assert key.startswith("trv_"), key
client = OpenAI(base_url=base + "/v1", api_key=key, max_retries=0)

models = [m.id for m in client.models.list()]
assert "standin" in models, models
print("models ok", len(models))

done = client.chat.completions.create(model="standin", messages=[
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "how tall is the lighthouse"},
])
assert done.choices[0].message.content == "Echo: how tall is the lighthouse", done
assert done.choices[0].finish_reason == "stop", done.choices[0].finish_reason
assert done.usage.prompt_tokens == 7 and done.usage.completion_tokens == 6, done.usage
assert done.usage.total_tokens == 13, done.usage
print("completion ok", done.usage.total_tokens)

chunks = list(client.chat.completions.create(model="standin", stream=True, messages=[
    {"role": "user", "content": "stream four words please"},
]))
text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
assert text == "Echo: stream four words please", text
assert chunks[0].choices[0].delta.role == "assistant", chunks[0]
content_chunks = [c for c in chunks if c.choices and c.choices[0].delta.content]
assert len(content_chunks) >= 2, len(content_chunks)
finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
assert finishes == ["stop"], finishes
assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 5, chunks[-1]
print("stream ok", len(chunks))

emb = client.embeddings.create(model="any", input=["alpha beta", "gamma"])
assert len(emb.data) == 2 and emb.data[1].index == 1, emb
assert len(emb.data[0].embedding) == int(os.environ["TROVE_DIM"]), len(emb.data[0].embedding)
assert emb.usage.prompt_tokens > 0, emb.usage
print("embeddings ok", len(emb.data[0].embedding))

try:
    client.chat.completions.create(model="standin", extra_body={"conversation_id": "does-not-exist"},
                                   messages=[{"role": "user", "content": "x"}])
    sys.exit("an unknown conversation was accepted")
except NotFoundError as e:
    assert e.body["type"] == "not_found_error", e.body
print("errors ok")

try:
    OpenAI(base_url=os.environ["TROVE_URL"] + "/v1", api_key="trv_wrong", max_retries=0).models.list()
    sys.exit("a wrong key was accepted")
except AuthenticationError:
    print("auth ok")
