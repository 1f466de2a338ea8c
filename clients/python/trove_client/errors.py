"""The errors the client raises: one class per kind of answer, each carrying what the
server said (`status`, `type`, `code` — for a bad member, its JSON path — and `message`)."""
from __future__ import annotations

from typing import Optional


class TroveError(Exception):
    """Any error answer from the server, or a failure to reach it (status 0)."""

    def __init__(self, status: int, message: str, type: Optional[str] = None, code: Optional[str] = None,
                 retry_after: Optional[float] = None):
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.retry_after = retry_after
        where = f" [{code}]" if code else ""
        super().__init__(f"{status}{where}: {message}")


class ConnectionFailed(TroveError):
    """The server could not be reached (refused, reset, timed out)."""


class BadRequest(TroveError):
    """400: a member of the request is wrong; `code` is its path, such as `$.filters[0].equals`."""


class AuthenticationFailed(TroveError):
    """401: no credential, or a wrong, expired or revoked one."""


class PermissionDenied(TroveError):
    """403: the credential may not do this."""


class NotFound(TroveError):
    """404: no such record, or it belongs to someone else (the two are not told apart)."""


class Conflict(TroveError):
    """409: the name is taken, or the record's state does not allow the change."""


class PayloadTooLarge(TroveError):
    """413: the body is over one of the server's limits (see the README's table)."""


class LimitExceeded(TroveError):
    """422: over a documented limit (search depth, schema fields, keys)."""


class RateLimited(TroveError):
    """429: too many requests; `retry_after` says how many seconds to wait."""


class ServerError(TroveError):
    """5xx: the server, its storage, its embedder or its chat provider failed."""


_BY_STATUS = {400: BadRequest, 401: AuthenticationFailed, 403: PermissionDenied, 404: NotFound, 409: Conflict,
              413: PayloadTooLarge, 422: LimitExceeded, 429: RateLimited}


def error_for(status: int, body: dict, retry_after: Optional[str]) -> TroveError:
    """The exception for an error answer in the server's `{"error": {...}}` shape."""
    detail = body.get("error") if isinstance(body, dict) else None
    detail = detail if isinstance(detail, dict) else {}
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else TroveError)
    wait = float(retry_after) if retry_after and retry_after.replace(".", "", 1).isdigit() else None
    return cls(status, str(detail.get("message") or body or "no message"), detail.get("type"), detail.get("code"), wait)
