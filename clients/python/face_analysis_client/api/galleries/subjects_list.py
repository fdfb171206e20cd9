from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_detail import ErrorDetail
from ...models.subjects_list_response import SubjectsListResponse
from typing import cast



def _get_kwargs(
    gallery: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/galleries/{gallery}/subjects".format(gallery=quote(str(gallery), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorDetail | SubjectsListResponse | None:
    if response.status_code == 200:
        response_200 = SubjectsListResponse.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorDetail.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorDetail.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = ErrorDetail.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorDetail.from_dict(response.json())



        return response_409

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorDetail | SubjectsListResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    gallery: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[ErrorDetail | SubjectsListResponse]:
    """ the subjects, paged (limit, offset)

    Args:
        gallery (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | SubjectsListResponse]
     """


    kwargs = _get_kwargs(
        gallery=gallery,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    gallery: str,
    *,
    client: AuthenticatedClient | Client,

) -> ErrorDetail | SubjectsListResponse | None:
    """ the subjects, paged (limit, offset)

    Args:
        gallery (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | SubjectsListResponse
     """


    return sync_detailed(
        gallery=gallery,
client=client,

    ).parsed

async def asyncio_detailed(
    gallery: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[ErrorDetail | SubjectsListResponse]:
    """ the subjects, paged (limit, offset)

    Args:
        gallery (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | SubjectsListResponse]
     """


    kwargs = _get_kwargs(
        gallery=gallery,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    gallery: str,
    *,
    client: AuthenticatedClient | Client,

) -> ErrorDetail | SubjectsListResponse | None:
    """ the subjects, paged (limit, offset)

    Args:
        gallery (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | SubjectsListResponse
     """


    return (await asyncio_detailed(
        gallery=gallery,
client=client,

    )).parsed
