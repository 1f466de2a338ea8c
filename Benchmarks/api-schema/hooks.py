"""schemathesis hooks for run.py (loaded through SCHEMATHESIS_HOOKS=hooks).

The server under test has one chat provider: the stand-in, as `openai`. An agent may name
another provider (ollama, anthropic), which the server then calls at that provider's
default address; nothing listens there, and the 503 that follows is the documented answer
for an unreachable upstream, not a fault of the server. So the generator offers agents only
the configured provider (or null, the default), and no endpoint of their own (`base_url`
null: an agent's own URL is another upstream nothing listens at, answered 503 alike);
everything else about agents stays free.

`_bulk` takes NDJSON, which schemathesis cannot write by itself: the document describes the
body as an array of objects, and the serializer below writes one of them a line.
"""
import json

import schemathesis


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    agent = raw_schema["components"]["schemas"]["AgentInput"]["properties"]
    agent["provider"] = {"enum": ["openai", None]}
    agent["base_url"] = {"enum": [None]}


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, list):
        return "\n".join(json.dumps(item) for item in value).encode()
    return json.dumps(value).encode()
