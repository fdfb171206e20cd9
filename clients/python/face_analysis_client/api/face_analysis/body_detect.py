from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.body_detect_request import BodyDetectRequest
from ...models.body_response import BodyResponse
from ...models.error_detail import ErrorDetail
from ...models.validation_errors import ValidationErrors
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: BodyDetectRequest | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/body",
    }

    if not isinstance(body, Unset):
        _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors | None:
    if response.status_code == 200:
        response_200 = BodyResponse.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        def _parse_response_400(data: object) -> ErrorDetail | ValidationErrors:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_400_type_0 = ErrorDetail.from_dict(data)



                return response_400_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_400_type_1 = ValidationErrors.from_dict(data)



            return response_400_type_1

        response_400 = _parse_response_400(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorDetail.from_dict(response.json())



        return response_401

    if response.status_code == 408:
        response_408 = ErrorDetail.from_dict(response.json())



        return response_408

    if response.status_code == 413:
        response_413 = ErrorDetail.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorDetail.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ErrorDetail.from_dict(response.json())



        return response_422

    if response.status_code == 503:
        response_503 = ErrorDetail.from_dict(response.json())



        return response_503

    if response.status_code == 504:
        response_504 = ErrorDetail.from_dict(response.json())



        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BodyDetectRequest | Unset = UNSET,

) -> Response[BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors]:
    """  Every person in the photo: MediaPipe's BlazePose detector on the whole
            image and, for landscape photos, on overlapping tiles (analyzers/image_models/body.py);
            the box is the pose region derived from the hip and body key points.

    Args:
        body (BodyDetectRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: BodyDetectRequest | Unset = UNSET,

) -> BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors | None:
    """  Every person in the photo: MediaPipe's BlazePose detector on the whole
            image and, for landscape photos, on overlapping tiles (analyzers/image_models/body.py);
            the box is the pose region derived from the hip and body key points.

    Args:
        body (BodyDetectRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BodyDetectRequest | Unset = UNSET,

) -> Response[BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors]:
    """  Every person in the photo: MediaPipe's BlazePose detector on the whole
            image and, for landscape photos, on overlapping tiles (analyzers/image_models/body.py);
            the box is the pose region derived from the hip and body key points.

    Args:
        body (BodyDetectRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: BodyDetectRequest | Unset = UNSET,

) -> BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors | None:
    """  Every person in the photo: MediaPipe's BlazePose detector on the whole
            image and, for landscape photos, on overlapping tiles (analyzers/image_models/body.py);
            the box is the pose region derived from the hip and body key points.

    Args:
        body (BodyDetectRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BodyResponse | ErrorDetail | ErrorDetail | ValidationErrors
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
