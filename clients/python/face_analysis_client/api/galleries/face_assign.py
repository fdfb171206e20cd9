from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_detail import ErrorDetail
from ...models.face_assign_response import FaceAssignResponse
from ...models.gallery_photo import GalleryPhoto
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    gallery: str,
    face_id: int,
    *,
    body: GalleryPhoto | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/galleries/{gallery}/faces/{face_id}".format(gallery=quote(str(gallery), safe=""),face_id=quote(str(face_id), safe=""),),
    }

    
    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorDetail | FaceAssignResponse | None:
    if response.status_code == 200:
        response_200 = FaceAssignResponse.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorDetail | FaceAssignResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    gallery: str,
    face_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: GalleryPhoto | Unset = UNSET,

) -> Response[ErrorDetail | FaceAssignResponse]:
    """ assign a face to a subject (subject_id), or unassign (null)

    Args:
        gallery (str):
        face_id (int):
        body (GalleryPhoto | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | FaceAssignResponse]
     """


    kwargs = _get_kwargs(
        gallery=gallery,
face_id=face_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    gallery: str,
    face_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: GalleryPhoto | Unset = UNSET,

) -> ErrorDetail | FaceAssignResponse | None:
    """ assign a face to a subject (subject_id), or unassign (null)

    Args:
        gallery (str):
        face_id (int):
        body (GalleryPhoto | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | FaceAssignResponse
     """


    return sync_detailed(
        gallery=gallery,
face_id=face_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    gallery: str,
    face_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: GalleryPhoto | Unset = UNSET,

) -> Response[ErrorDetail | FaceAssignResponse]:
    """ assign a face to a subject (subject_id), or unassign (null)

    Args:
        gallery (str):
        face_id (int):
        body (GalleryPhoto | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | FaceAssignResponse]
     """


    kwargs = _get_kwargs(
        gallery=gallery,
face_id=face_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    gallery: str,
    face_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: GalleryPhoto | Unset = UNSET,

) -> ErrorDetail | FaceAssignResponse | None:
    """ assign a face to a subject (subject_id), or unassign (null)

    Args:
        gallery (str):
        face_id (int):
        body (GalleryPhoto | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | FaceAssignResponse
     """


    return (await asyncio_detailed(
        gallery=gallery,
face_id=face_id,
client=client,
body=body,

    )).parsed
