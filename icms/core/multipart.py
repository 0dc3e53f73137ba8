"""A multipart/form-data parser that reads each byte of the body once (issue 16, item 6).

Django's ``MultiPartParser`` finds the boundaries with ``bytes.find`` too, but on the way
it joins every chunk to the bytes held back for a boundary and slices it twice, so a
10 MB upload is copied about three times before an upload handler sees it, and each copy
faults in fresh pages. That was 2.4x the time to hash and write the file, on its own.

:class:`StreamingMultipartHandler`, first in ``FILE_UPLOAD_HANDLERS``, takes the body over
through the documented ``handle_raw_input`` hook and parses it in one pass: it reads the
body in the handlers' chunk size, finds the delimiter with ``bytes.find`` (a vectorised
search in C) and hands the bytes between delimiters to the other upload handlers as they
are (a whole chunk is passed on without a copy; only a part's first and last chunk are
sliced). The other handlers (``icms.core.uploads``: SHA-256, the structural-stream
screen, the temporary file) are driven exactly as Django drives them: ``new_file``,
``receive_data_chunk`` in turn until one returns ``None``, ``file_complete``,
``upload_complete``, with ``StopFutureHandlers``, ``SkipFile`` and ``StopUpload`` honoured.

What it keeps of Django's parser, so that forms see the same ``POST`` and ``FILES``:
the part headers are parsed by the same function (``parse_header_parameters``); a part
whose filename is empty is a field (a file input left empty); file names are sanitised
the same way; field names and values are decoded with the request's encoding and
``errors="replace"``; base64 parts are decoded; and the limits are Django's own
(``DATA_UPLOAD_MAX_NUMBER_FIELDS``, ``DATA_UPLOAD_MAX_NUMBER_FILES``,
``DATA_UPLOAD_MAX_MEMORY_SIZE`` for the fields, and 1,024 bytes of headers per part),
raising the same exceptions, which Django answers with 400.

Where it is stricter: a body that ends before its closing delimiter (a client that went
away, or a Content-Length that lies) is refused with ``MultiPartParserError`` (400),
where Django keeps whatever fields had arrived and drops the unfinished file; and so is
a part whose headers never end. A body that does not start with a delimiter may carry a
preamble, which is skipped, as RFC 2046 says.

Any request that is not multipart never reaches an upload handler (Django parses
url-encoded forms itself), and a view that sets its own ``request.upload_handlers``
(the verification page) does not list this one, so Django's parser serves it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html
from collections.abc import Sequence
from typing import Any, Final, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    SkipFile,
    StopFutureHandlers,
    StopUpload,
)
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_str
from django.utils.http import parse_header_parameters

from .uploads import CHUNK_BYTES

#: A part's header lines must end within this many bytes (Django's ``MAX_TOTAL_HEADER_SIZE``).
MAX_TOTAL_HEADER_SIZE: Final = 1024
_CRLF: Final = b"\r\n"
_HEADERS_END: Final = b"\r\n\r\n"
#: Transport padding allowed after a delimiter, before its CRLF (RFC 2046 §5.1.1).
_PADDING: Final = b" \t"

Headers = dict[str, tuple[str, dict[str, bytes]]]


def sanitize_file_name(file_name: str) -> str | None:
    """Django's ``MultiPartParser.sanitize_file_name``: the last path component, printable, not ``.`` or ``..``."""
    file_name = html.unescape(file_name)
    file_name = file_name.rsplit("/")[-1]
    file_name = file_name.rsplit("\\")[-1]
    file_name = "".join([char for char in file_name if char.isprintable()])
    if file_name in {"", ".", ".."}:
        return None
    return file_name


def parse_part_headers(block: bytes) -> Headers:
    """A part's header lines, as Django's parser reads them: lower-cased names, parameters as bytes."""
    headers: Headers = {}
    for line in block.split(_CRLF):
        try:
            main_value_pair, params = parse_header_parameters(line.decode())
            name, value = main_value_pair.split(":", 1)
        except ValueError:  # not a header line (UnicodeDecodeError is a ValueError too): skipped, as Django does
            continue
        headers[name] = value, {key: param.encode() for key, param in params.items()}
    return headers


class _Body:
    """The request body read in chunks, with ``buf[pos:]`` the bytes read and not yet used."""

    def __init__(self, stream: Any, chunk_size: int) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        self.buf = b""
        self.pos = 0
        self.ended = False

    def more(self) -> bool:
        """Read the next chunk after the unused bytes; ``False`` at the end of the body."""
        if self.ended:
            return False
        chunk = self._stream.read(self._chunk_size)
        if not chunk:
            self.ended = True
            return False
        # The unused bytes are a few held back for a delimiter (or a part's headers): joining
        # them copies the chunk, which happens only when a chunk ends like a delimiter's start.
        rest = len(self.buf) - self.pos
        self.buf = self.buf[self.pos :] + chunk if rest else chunk
        self.pos = 0
        return True

    def exhaust(self) -> None:
        while self.more():
            self.pos = len(self.buf)


class _Fields:
    """``POST``, and Django's limits on the number of fields and files and on the fields' size."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.post = QueryDict(mutable=True)
        self.files: MultiValueDict[str, UploadedFile] = MultiValueDict()
        self._keys = 0
        self._files = 0
        self._bytes = 0

    def count_field(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        self._keys += 1
        # Django allows 2 more: the empty parts it sees before the first and after the last delimiter.
        if limit is not None and limit + 2 < self._keys:
            raise TooManyFieldsSent(
                "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
            )

    def count_file(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        self._files += 1
        if limit is not None and self._files > limit:
            raise TooManyFilesSent("The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES.")

    def room(self) -> int | None:
        """How many more bytes of field data may be kept."""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return None if limit is None else limit - self._bytes

    def add(self, name: str, data: bytes) -> None:
        # Name and 2 more, as Django counts them (consistent with the url-encoded "&=").
        self._bytes += len(data) + len(name) + 2
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and self._bytes > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        self.post.appendlist(name, force_str(data, self.encoding, errors="replace"))


class _FileSink:
    """One file part fed to the upload handlers, as Django's parser feeds it."""

    def __init__(self, handlers: Sequence[FileUploadHandler], transfer_encoding: str | None) -> None:
        self._handlers = handlers
        self._counters = [0] * len(handlers)
        self._base64 = transfer_encoding == "base64"
        self._remainder = b""

    def start(self, field_name: str, file_name: str, headers: Headers) -> None:
        content_type, content_type_extra = headers.get("content-type", ("", {}))
        charset = content_type_extra.get("charset")
        try:
            content_length: int | None = int(headers["content-length"][0])
        except (KeyError, IndexError, TypeError, ValueError):
            content_length = None
        for handler in self._handlers:
            try:
                handler.new_file(
                    field_name,
                    file_name,
                    content_type.strip(),
                    content_length,
                    charset,  # type: ignore[arg-type]  # bytes, as Django's parser passes it
                    content_type_extra,
                )
            except StopFutureHandlers:
                break

    def feed(self, chunk: bytes) -> None:
        if self._base64:
            # Decoded in multiples of 4 (white space dropped), the rest carried over, as Django does.
            stripped = self._remainder + b"".join(chunk.split())
            aligned = len(stripped) // 4 * 4
            self._remainder = stripped[aligned:]
            if not aligned:
                return
            try:
                chunk = base64.b64decode(stripped[:aligned])
            except (binascii.Error, ValueError) as exc:
                raise MultiPartParserError("Could not decode base64 data.") from exc
        for index, handler in enumerate(self._handlers):
            passed_on = handler.receive_data_chunk(chunk, self._counters[index])
            self._counters[index] += len(chunk)
            if passed_on is None:  # this handler kept the chunk: the later ones do not see it
                break
            chunk = passed_on

    def complete(self) -> UploadedFile | None:
        if self._remainder:
            raise MultiPartParserError("Could not decode base64 data.")
        for index, handler in enumerate(self._handlers):
            upload = handler.file_complete(self._counters[index])
            if upload:
                return upload
        return None


class _Parser:
    def __init__(
        self,
        stream: Any,
        boundary: bytes,
        encoding: str,
        handlers: Sequence[FileUploadHandler],
        chunk_size: int,
    ) -> None:
        self._body = _Body(stream, chunk_size)
        self._dash_boundary = b"--" + boundary
        self._delimiter = _CRLF + self._dash_boundary
        self._handlers = handlers
        self._fields = _Fields(encoding)
        self._sink: _FileSink | None = None

    def parse(self) -> tuple[QueryDict, MultiValueDict[str, UploadedFile]]:
        try:
            try:
                self._first_delimiter()
                while self._after_delimiter():
                    self._part()
                self._body.exhaust()  # the epilogue, as Django reads the body to its end
            except StopUpload as stop:
                self._close_handler_files()
                if not stop.connection_reset:
                    self._body.exhaust()
        except BaseException:
            self._close_all()
            raise
        # Any handler may end the upload; the first that answers stops the rest (Django's any()).
        for handler in self._handlers:
            if cast(Any, handler.upload_complete)() is not None:  # the stubs say None; Django reads a value
                break
        self._fields.post._mutable = False
        return self._fields.post, self._fields.files

    # --- Delimiters ---------------------------------------------------------------------

    def _first_delimiter(self) -> None:
        body = self._body
        dash = self._dash_boundary
        while len(body.buf) - body.pos < len(dash) and body.more():
            pass
        if body.buf.startswith(dash, body.pos):
            body.pos += len(dash)
            return
        # A preamble: skipped up to the first delimiter (which follows a CRLF).
        while True:
            found = body.buf.find(self._delimiter, body.pos)
            if found >= 0:
                body.pos = found + len(self._delimiter)
                return
            body.pos = max(body.pos, len(body.buf) - len(self._delimiter) + 1)
            if not body.more():
                raise MultiPartParserError("The body has no multipart boundary.")

    def _after_delimiter(self) -> bool:
        """After a delimiter: ``True`` when a part follows, ``False`` at the closing one ("--")."""
        body = self._body
        while True:
            buf, pos = body.buf, body.pos
            if buf.startswith(b"--", pos):
                body.pos += 2
                return False
            end = buf.find(_CRLF, pos, pos + MAX_TOTAL_HEADER_SIZE)
            if end >= 0:
                if buf[pos:end].strip(_PADDING):
                    raise MultiPartParserError("A multipart boundary is followed by something other than a line end.")
                body.pos = end + 2
                return True
            if len(buf) - pos >= MAX_TOTAL_HEADER_SIZE:
                raise MultiPartParserError("A multipart boundary is followed by something other than a line end.")
            if not body.more():
                raise MultiPartParserError("The multipart body ended before its closing boundary.")

    # --- Parts ----------------------------------------------------------------------------

    def _part(self) -> None:
        headers = self._headers()
        fields = self._fields
        disposition = headers.get("content-disposition")
        file_name_raw = disposition[1].get("filename") if disposition else None
        if disposition is None or not file_name_raw:
            fields.count_field()  # a field, or a part without a disposition ("raw"), as Django counts them
        try:
            field_name = force_str(disposition[1]["name"].strip(), fields.encoding, errors="replace")  # type: ignore[index]
        except (KeyError, TypeError):
            self._skip()  # no name: nothing to keep, as in Django
            return
        transfer = headers.get("content-transfer-encoding")
        transfer_encoding = transfer[0].strip() if transfer else None
        if not file_name_raw:
            data = self._field_data(fields.room())
            if transfer_encoding == "base64":
                with contextlib.suppress(binascii.Error):  # undecodable: kept as sent, as Django keeps it
                    data = base64.b64decode(data)
            fields.add(field_name, data)
            return
        fields.count_file()
        file_name = sanitize_file_name(force_str(file_name_raw, fields.encoding, errors="replace"))
        if not file_name:
            self._skip()
            return
        sink = _FileSink(self._handlers, transfer_encoding)
        self._sink = sink
        try:
            sink.start(field_name, file_name, headers)
            self._stream_to(sink)
        except SkipFile:
            self._close_handler_files()
            self._skip()
        else:
            upload = sink.complete()
            if upload is not None:
                fields.files.appendlist(field_name, upload)
        self._sink = None

    def _headers(self) -> Headers:
        body = self._body
        while True:
            if body.buf.startswith(_CRLF, body.pos):  # no header lines at all
                body.pos += 2
                return {}
            # The header lines and the blank line after them within 1,024 bytes, as in Django.
            end = body.buf.find(_HEADERS_END, body.pos, body.pos + MAX_TOTAL_HEADER_SIZE)
            if end >= 0:
                block = body.buf[body.pos : end]
                body.pos = end + len(_HEADERS_END)
                return parse_part_headers(block)
            if len(body.buf) - body.pos >= MAX_TOTAL_HEADER_SIZE:
                raise MultiPartParserError("Request max total header size exceeded.")
            if not body.more():
                raise MultiPartParserError("The multipart body ended in a part's headers.")

    def _field_data(self, room: int | None) -> bytes:
        """A field's bytes; past ``room`` the request is too big (Django's limit on fields in memory)."""
        pieces: list[bytes] = []
        kept = 0

        def keep(piece: bytes) -> None:
            nonlocal kept
            kept += len(piece)
            if room is not None and kept > room:
                raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
            pieces.append(piece)

        self._scan(keep)
        return b"".join(pieces)

    def _skip(self) -> None:
        self._scan(lambda piece: None)

    def _stream_to(self, sink: _FileSink) -> None:
        self._scan(sink.feed)

    def _scan(self, emit: Any) -> None:
        """Pass the part's bytes to ``emit`` up to the next delimiter, and step over it."""
        body = self._body
        delimiter = self._delimiter
        while True:
            buf, pos = body.buf, body.pos
            found = buf.find(delimiter, pos)
            if found >= 0:
                if found > pos:
                    emit(buf[pos:found])
                body.pos = found + len(delimiter)
                return
            hold = self._held_back(buf, pos)
            if hold > pos:
                # A whole chunk is passed on as it is (slicing all of a bytes object makes no copy).
                emit(buf if pos == 0 and hold == len(buf) else buf[pos:hold])
                body.pos = hold
            if not body.more():
                raise MultiPartParserError("The multipart body ended before its closing boundary.")

    def _held_back(self, buf: bytes, pos: int) -> int:
        """Where the bytes that might begin a delimiter start (``len(buf)`` if none do).

        The delimiter was not found whole, so only its start can be there, in the last
        ``len(delimiter) - 1`` bytes; it starts with CR, so only a CR there can begin it.
        """
        delimiter = self._delimiter
        start = buf.find(b"\r", max(pos, len(buf) - len(delimiter) + 1))
        while start >= 0:
            if delimiter.startswith(buf[start:]):
                return start
            start = buf.find(b"\r", start + 1)
        return len(buf)

    # --- Failure ----------------------------------------------------------------------------

    def _close_handler_files(self) -> None:
        for handler in self._handlers:
            file = getattr(handler, "file", None)
            if file is not None:
                file.close()

    def _close_all(self) -> None:
        if self._sink is not None:
            for handler in self._handlers:
                handler.upload_interrupted()
        self._close_handler_files()
        for _name, uploads in self._fields.files.lists():
            for upload in uploads:
                upload.close()


class StreamingMultipartHandler(FileUploadHandler):
    """Parses a multipart body itself in one pass and feeds each file to the other upload handlers.

    Listed first in ``FILE_UPLOAD_HANDLERS``. Its own file methods are never used while it
    parses; if Django's parser runs instead, they pass every chunk on untouched.
    """

    chunk_size = CHUNK_BYTES

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str | bytes,  # bytes from Django's parser; the stubs say str
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile]] | None:
        handlers = [
            handler for handler in (self.request.upload_handlers if self.request else []) if handler is not self
        ]
        # Django asks each handler in turn; the others must still be asked (the in-memory
        # handler decides here whether it will keep the file), and one may take the body itself.
        for handler in handlers:
            result = handler.handle_raw_input(input_data, META, content_length, cast(str, boundary), encoding)
            if result is not None:
                return result
        # Django's rule: the smallest chunk any handler asks for.
        chunk_size = min(
            [2**31 - 4, self.chunk_size] + [handler.chunk_size for handler in handlers if handler.chunk_size]
        )
        if isinstance(boundary, str):
            boundary = boundary.encode("ascii")
        parser = _Parser(input_data, boundary, encoding or settings.DEFAULT_CHARSET, handlers, chunk_size)
        return parser.parse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
