from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_detail import ErrorDetail
from ...models.gallery_photo import GalleryPhoto
from ...models.gallery_photo_upload import GalleryPhotoUpload
from ...models.subject_enrol_response import SubjectEnrolResponse
from typing import cast



def _get_kwargs(
    gallery: str,
    subject: str,
    *,
    body:    GalleryPhotoUpload  |     GalleryPhoto  | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/galleries/{gallery}/subjects/{subject}/faces".format(gallery=quote(str(gallery), safe=""),subject=quote(str(subject), safe=""),),
    }

    if isinstance(body, GalleryPhotoUpload):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"
    if isinstance(body, GalleryPhoto):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorDetail | SubjectEnrolResponse | None:
    if response.status_code == 200:
        response_200 = SubjectEnrolResponse.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorDetail | SubjectEnrolResponse]:
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
    body:    GalleryPhotoUpload  |     GalleryPhoto  | Unset = UNSET,

) -> Response[ErrorDetail | SubjectEnrolResponse]:
    """ enrol the face of a photo into a subject (created when new)

    Args:
        gallery (str):
        subject (str):
        body (GalleryPhotoUpload):
        body (GalleryPhoto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | SubjectEnrolResponse]
     """


    kwargs = _get_kwargs(
        gallery=gallery,
subject=subject,
body=body,

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
    body:    GalleryPhotoUpload  |     GalleryPhoto  | Unset = UNSET,

) -> ErrorDetail | SubjectEnrolResponse | None:
    """ enrol the face of a photo into a subject (created when new)

    Args:
        gallery (str):
        subject (str):
        body (GalleryPhotoUpload):
        body (GalleryPhoto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | SubjectEnrolResponse
     """


    return sync_detailed(
        gallery=gallery,
subject=subject,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    gallery: str,
    subject: str,
    *,
    client: AuthenticatedClient | Client,
    body:    GalleryPhotoUpload  |     GalleryPhoto  | Unset = UNSET,

) -> Response[ErrorDetail | SubjectEnrolResponse]:
    """ enrol the face of a photo into a subject (created when new)

    Args:
        gallery (str):
        subject (str):
        body (GalleryPhotoUpload):
        body (GalleryPhoto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | SubjectEnrolResponse]
     """


    kwargs = _get_kwargs(
        gallery=gallery,
subject=subject,
body=body,

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
    body:    GalleryPhotoUpload  |     GalleryPhoto  | Unset = UNSET,

) -> ErrorDetail | SubjectEnrolResponse | None:
    """ enrol the face of a photo into a subject (created when new)

    Args:
        gallery (str):
        subject (str):
        body (GalleryPhotoUpload):
        body (GalleryPhoto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | SubjectEnrolResponse
     """


    return (await asyncio_detailed(
        gallery=gallery,
subject=subject,
client=client,
body=body,

    )).parsed
