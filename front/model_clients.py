"""The front's calls to the model services: one async predict(batch) per task."""

from __future__ import annotations

import asyncio

import aiohttp

# A pooled keep-alive connection to a model service can be closed by that
# service just as a request goes out on it; predict is idempotent, so such a
# request is sent again on a fresh connection rather than failing the user's.
CONNECTION_RETRIES = 2


class ModelTimeout(Exception):
    pass


def remote_predict(client, timeout_s: float):
    async def attempts(batch):
        for attempt in range(CONNECTION_RETRIES + 1):
            try:
                # the client resolves its endpoints on first use, not in __init__
                return await client.to_async.predict(batch)
            except aiohttp.ClientConnectionError:
                if attempt == CONNECTION_RETRIES:
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))

    async def predict(batch):
        # A killed model worker's socket still accepts connections until the worker
        # is restarted: without a bound the call would wait for the request deadline.
        try:
            return await asyncio.wait_for(attempts(batch), timeout_s)
        except asyncio.TimeoutError:
            raise ModelTimeout(f"no answer within {timeout_s:g} s (FACE_MODEL_TIMEOUT_S)") \
                from None

    return predict
