"""The front's calls to the model services: one async predict(batch) per task, in
calls of at most CALL_ITEMS items."""

from __future__ import annotations

import asyncio

import aiohttp
import numpy as np

# A pooled keep-alive connection to a model service can be closed by that
# service just as a request goes out on it; predict is idempotent, so such a
# request is sent again on a fresh connection rather than failing the user's.
CONNECTION_RETRIES = 2


# Items per call to a model service. /templates/extract on a photo of 1000 faces
# sent its 100 crops to the embedding service in one 19.6 MB call, which did not
# answer within the model timeout (issue 18): a larger batch is sent as calls of
# at most CALL_ITEMS, one after the other, each under the model timeout. 16 is
# half of FACE_MAX_BATCH_SIZE's default, so adaptive batching can still merge two
# requests' calls into one model run.
CALL_ITEMS = 16


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

    async def call(batch):
        # A killed model worker's socket still accepts connections until the worker
        # is restarted: without a bound the call would wait for the request deadline.
        try:
            return await asyncio.wait_for(attempts(batch), timeout_s)
        except asyncio.TimeoutError:
            raise ModelTimeout(f"no answer within {timeout_s:g} s (FACE_MODEL_TIMEOUT_S)") \
                from None

    async def predict(batch):
        if len(batch) <= CALL_ITEMS:
            return await call(batch)
        parts = [await call(batch[start:start + CALL_ITEMS])
                 for start in range(0, len(batch), CALL_ITEMS)]
        if all(isinstance(part, np.ndarray) for part in parts):
            return np.concatenate(parts)
        return [item for part in parts for item in part]

    return predict
