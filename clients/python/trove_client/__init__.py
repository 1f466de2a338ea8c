"""A typed Python client for the Trove server (collections, bulk, search, counts and
aggregations, files, retrieval, conversations and messages). Standard library only.

    from trove_client import Trove, NotFound
    trove = Trove("http://127.0.0.1:8080", api_key="trv_...")
"""
from .client import BulkResult, Collections, Conversations, Delete, Files, Index, Trove
from .errors import (AuthenticationFailed, BadRequest, Conflict, ConnectionFailed, LimitExceeded, NotFound,
                     PayloadTooLarge, PermissionDenied, RateLimited, ServerError, TroveError)

__all__ = ["Trove", "Collections", "Files", "Conversations", "Index", "Delete", "BulkResult", "TroveError",
           "ConnectionFailed", "BadRequest", "AuthenticationFailed", "PermissionDenied", "NotFound", "Conflict",
           "PayloadTooLarge", "LimitExceeded", "RateLimited", "ServerError"]
__version__ = "0.1.0"
