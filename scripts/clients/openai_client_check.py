"""Drives a live `trove serve` with the official openai SDK, used as its README shows:
lists and retrieves models, makes chat completions (with n, stop and seed), streams with
the documented loop and with include_usage, and creates embeddings (base64, the SDK's
default, and float, with dimensions), asserting on content, usage and the chunk sequence. Run by Tests/troveTests/OpenAIClientTests.swift with TROVE_URL,
TROVE_ADMIN_PASSWORD and TROVE_DIM set (it logs in and makes an API key); the chat model behind the server is the test stand-in, which answers
"Echo: <last user message>" and counts words as tokens. Prints one line per check."""
import os
import sys

import httpx
from openai import OpenAI, NotFoundError, AuthenticationError, BadRequestError

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

# The README's streaming loop, exactly: every chunk has a choice (before, a closing usage
# chunk with `choices: []` made `chunk.choices[0]` raise IndexError).
stream = client.chat.completions.create(model="standin", messages=[{"role": "user", "content": "stream four words please"}], stream=True)
pieces = []
for chunk in stream:
    pieces.append(chunk.choices[0].delta.content or "")
assert "".join(pieces) == "Echo: stream four words please", pieces
assert len([p for p in pieces if p]) >= 2, pieces
print("stream loop ok", len(pieces))

chunks = list(client.chat.completions.create(model="standin", stream=True, stream_options={"include_usage": True}, messages=[
    {"role": "user", "content": "stream four words please"},
]))
text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
assert text == "Echo: stream four words please", text
assert chunks[0].choices[0].delta.role == "assistant", chunks[0]
finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
assert finishes == ["stop"], finishes
assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 5, chunks[-1]
assert all(c.usage is None for c in chunks[:-1]), [c.usage for c in chunks]
print("stream ok", len(chunks))

two = client.chat.completions.create(model="standin", n=2, stop=["four"], seed=7, messages=[{"role": "user", "content": "one two three four five"}])
assert [c.index for c in two.choices] == [0, 1], two.choices
assert all(c.message.content == "Echo: one two three " for c in two.choices), two.choices
print("n and stop ok", len(two.choices))

assert client.models.retrieve("standin").id == "standin"
try:
    client.models.retrieve("no-such-model")
    sys.exit("an unknown model was found")
except NotFoundError:
    pass
print("models.retrieve ok")

dim = int(os.environ["TROVE_DIM"])
emb = client.embeddings.create(model="any", input=["alpha beta", "gamma"])
assert len(emb.data) == 2 and emb.data[1].index == 1, emb
assert len(emb.data[0].embedding) == dim, len(emb.data[0].embedding)
assert emb.usage.prompt_tokens > 0, emb.usage
as_floats = client.embeddings.create(model="any", input="alpha beta", encoding_format="float", dimensions=dim)
assert as_floats.data[0].embedding == emb.data[0].embedding, "base64 (the SDK's default) and float agree"
try:
    client.embeddings.create(model="any", input="alpha", dimensions=dim // 2)
    sys.exit("a dimension the model cannot make was accepted")
except BadRequestError as e:
    assert e.body["code"] == "$.dimensions", e.body
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
