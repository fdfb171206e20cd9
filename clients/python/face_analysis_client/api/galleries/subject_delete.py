from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_detail import ErrorDetail
from ...models.subject_delete_response import SubjectDeleteResponse
from typing import cast



def _get_kwargs(
    gallery: str,
    subject: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/galleries/{gallery}/subjects/{subject}".format(gallery=quote(str(gallery), safe=""),subject=quote(str(subject), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorDetail | SubjectDeleteResponse | None:
    if response.status_code == 200:
        response_200 = SubjectDeleteResponse.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorDetail | SubjectDeleteResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    gallery: str,
    subject: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[ErrorDetail | SubjectDeleteResponse]:
    """ delete a subject with its faces and templates

    Args:
        gallery (str):
        subject (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | SubjectDeleteResponse]
     """


    kwargs = _get_kwargs(
        gallery=gallery,
subject=subject,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    gallery: str,
    subject: str,
    *,
    client: AuthenticatedClient | Client,

) -> ErrorDetail | SubjectDeleteResponse | None:
    """ delete a subject with its faces and templates

    Args:
        gallery (str):
        subject (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | SubjectDeleteResponse
     """


    return sync_detailed(
        gallery=gallery,
subject=subject,
client=client,

    ).parsed

async def asyncio_detailed(
    gallery: str,
    subject: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[ErrorDetail | SubjectDeleteResponse]:
    """ delete a subject with its faces and templates

    Args:
        gallery (str):
        subject (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | SubjectDeleteResponse]
     """


    kwargs = _get_kwargs(
        gallery=gallery,
subject=subject,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    gallery: str,
    subject: str,
    *,
    client: AuthenticatedClient | Client,

) -> ErrorDetail | SubjectDeleteResponse | None:
    """ delete a subject with its faces and templates

    Args:
        gallery (str):
        subject (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | SubjectDeleteResponse
     """


    return (await asyncio_detailed(
        gallery=gallery,
subject=subject,
client=client,

    )).parsed
