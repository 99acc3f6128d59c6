"""schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

An Idempotency-Key is the caller's own: a real client makes a fresh one for each new request,
and the service refuses one key used for two different requests (422
`idempotency_key_reused`). Hypothesis, left to itself, sends the same short keys ("0", "A")
with many different bodies, so every valid key it generates is replaced by a fresh UUID. A key
it generated to be invalid (too long, not visible ASCII) is sent as generated, so the 400 for
a bad key is still tested.
"""

import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@schemathesis.hook
def before_call(context, case, **kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key":
            value = headers[name]
            if isinstance(value, str) and VALID_KEY.match(value):
                headers[name] = str(uuid.uuid4())
