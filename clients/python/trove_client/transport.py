"""HTTP with the standard library: one keep-alive connection, JSON in and out, NDJSON
streamed both ways, every error answer turned into its exception class."""
from __future__ import annotations

import http.client
import json
import socket
import urllib.parse
from typing import Any, Dict, Iterable, Iterator, Optional

from .errors import ConnectionFailed, error_for


class Transport:
    """Not thread-safe: give each thread its own client."""

    def __init__(self, base_url: str, token: Optional[str], timeout: float):
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"base_url must be http(s)://host[:port], not {base_url!r}")
        self.scheme, self.host, self.port = parsed.scheme, parsed.hostname, parsed.port
        self.prefix = parsed.path.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._conn: Optional[http.client.HTTPConnection] = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def url(self, path: str, params: Optional[Dict[str, Any]] = None) -> str:
        query = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in (params or {}).items() if v is not None}
        return self.prefix + path + ("?" + urllib.parse.urlencode(query) if query else "")

    def _send(self, method: str, url: str, body: Any, headers: Dict[str, str]) -> http.client.HTTPResponse:
        headers = dict(headers)
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        chunked = body is not None and not isinstance(body, (bytes, bytearray))
        for attempt in (0, 1):
            conn = self._connection()
            try:
                try:
                    conn.request(method, url, body=body, headers=headers, encode_chunked=chunked)
                except (BrokenPipeError, ConnectionResetError):
                    # The server may answer before the body ends (a 413 past its limit)
                    # and stop reading: its answer is waiting to be read.
                    if not chunked:
                        raise
                return conn.getresponse()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest) as e:
                self.close()
                # A kept-alive connection the server closed: once more on a fresh one, unless
                # the body was a stream that has been consumed.
                if attempt == 1 or chunked:
                    raise ConnectionFailed(0, f"{method} {url}: {e}") from e
            except (socket.timeout, OSError) as e:
                self.close()
                raise ConnectionFailed(0, f"{method} {url}: {e}") from e
        raise AssertionError("unreachable")

    def request(self, method: str, path: str, json_body: Any = None, params: Optional[Dict[str, Any]] = None,
                body: Any = None, content_type: Optional[str] = None) -> Any:
        """The answer's JSON (None for 204); an error answer raises its exception."""
        headers: Dict[str, str] = {}
        if json_body is not None:
            body = json.dumps(json_body).encode()
            content_type = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        response = self._send(method, self.url(path, params), body, headers)
        data = response.read()
        if response.status >= 400:
            self._raise(response, data)
        if response.status == 204 or not data:
            return None
        return json.loads(data)

    def stream_lines(self, path: str, params: Optional[Dict[str, Any]] = None) -> Iterator[Dict[str, Any]]:
        """Each line of an NDJSON answer as it arrives."""
        response = self._send("GET", self.url(path, params), None, {})
        if response.status >= 400:
            self._raise(response, response.read())
        try:
            for line in response:
                line = line.strip()
                if line:
                    yield json.loads(line)
        finally:
            response.close()

    @staticmethod
    def _raise(response: http.client.HTTPResponse, data: bytes) -> None:
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {"error": {"message": data.decode("utf-8", "replace")[:500]}}
        raise error_for(response.status, parsed, response.getheader("Retry-After"))


def ndjson(lines: Iterable[Dict[str, Any]]) -> Iterator[bytes]:
    """Lines of JSON, gathered into chunks of about 1 MiB for a chunked upload."""
    buffer = bytearray()
    for item in lines:
        buffer += json.dumps(item, ensure_ascii=False).encode() + b"\n"
        if len(buffer) >= 1 << 20:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)
