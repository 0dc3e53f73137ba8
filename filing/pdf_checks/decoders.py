"""Unpacking stream data in bounded steps, to measure it without holding it.

Each filter of ISO 32000-1 §7.4 that only unpacks bytes (Flate, LZW, run-length,
ASCIIHex, ASCII85) is a generator that takes chunks and yields chunks of at most
:data:`OUT_CHUNK` bytes, so a chain of them never holds more than a few chunks however
much the data expands. The caller counts what each filter yields and stops at its
limit: a "bomb" costs at most the limit in time, and a chunk in memory. Filters that
decode images (DCT, JPX, JBIG2, CCITT fax) end the chain: their output is pixels,
bounded by the image's dimensions instead. Predictors (/DecodeParms) never make data
larger, so the size before them is an upper bound and they are not applied.

Damaged data ends the output where a reader would give up too.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Final, TypeAlias

Chunks: TypeAlias = Iterator[bytes]
OUT_CHUNK: Final = 256 * 1024
_IN_CHUNK: Final = 64 * 1024


def _slices(chunks: Iterable[bytes]) -> Chunks:
    """The input again, in slices small enough for the decoders written in Python."""
    for chunk in chunks:
        for start in range(0, len(chunk), _IN_CHUNK):
            yield chunk[start : start + _IN_CHUNK]


def flate(chunks: Iterable[bytes], early_change: int = 1) -> Chunks:
    inflater = zlib.decompressobj()
    for chunk in chunks:
        data = chunk
        while True:
            try:
                out = inflater.decompress(data, OUT_CHUNK)
            except zlib.error:
                return
            data = inflater.unconsumed_tail
            if out:
                yield out
            if inflater.eof:
                return
            # Output capped at OUT_CHUNK may leave more to come from the input already read.
            if not data and len(out) < OUT_CHUNK:
                break


_LZW_CLEAR: Final = 256
_LZW_END: Final = 257
_LZW_MAX_CODES: Final = 4096


def lzw(chunks: Iterable[bytes], early_change: int = 1) -> Chunks:
    """LZWDecode (§7.4.4): 9- to 12-bit codes, most significant bit first."""
    table: list[bytes] = [bytes((code,)) for code in range(256)] + [b"", b""]
    previous = b""
    width = 9
    mask = (1 << width) - 1
    out = bytearray()
    carry = b""
    bit = 0  # position in ``data`` of the next code
    for chunk in _slices(chunks):
        # Three bytes always hold a whole code of at most 12 bits, wherever it starts.
        data = carry + chunk + b"\x00\x00"
        end = (len(data) - 2) * 8
        while bit + width <= end:
            start = bit >> 3
            code = (int.from_bytes(data[start : start + 3], "big") >> (24 - width - (bit & 7))) & mask
            bit += width
            if code == _LZW_CLEAR:
                del table[258:]
                width, mask, previous = 9, 511, b""
                continue
            size = len(table)
            if code < size and code != _LZW_END:
                entry = table[code]
                if previous and size < _LZW_MAX_CODES:
                    table.append(previous + entry[:1])
            elif code == size and previous:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                # The end-of-data code, or one that cannot exist yet (damaged data).
                if out:
                    yield bytes(out)
                return
            out += entry
            previous = entry
            if len(table) + early_change >= 1 << width and width < 12:
                width += 1
                mask = (1 << width) - 1
            if len(out) >= OUT_CHUNK:
                yield bytes(out)
                out.clear()
        carry = data[bit >> 3 : len(data) - 2]
        bit &= 7
    if out:
        yield bytes(out)


def run_length(chunks: Iterable[bytes], early_change: int = 1) -> Chunks:
    """RunLengthDecode (§7.4.5): a length byte, then 1-128 literal bytes or one repeated byte."""
    pending = b""
    out = bytearray()
    for chunk in _slices(chunks):
        data = pending + chunk
        position = 0
        end = len(data)
        while position < end:
            length = data[position]
            if length == 128:
                if out:
                    yield bytes(out)
                return
            if length < 128:
                if position + length + 2 > end:
                    break
                out += data[position + 1 : position + length + 2]
                position += length + 2
            else:
                if position + 2 > end:
                    break
                out += data[position + 1 : position + 2] * (257 - length)
                position += 2
            if len(out) >= OUT_CHUNK:
                yield bytes(out)
                out.clear()
        pending = data[position:]
    if out:
        yield bytes(out)


_NOT_HEX = re.compile(rb"[\x00\t\n\x0c\r ]")


def ascii_hex(chunks: Iterable[bytes], early_change: int = 1) -> Chunks:
    """ASCIIHexDecode (§7.4.2): two hex digits a byte, white space ignored, ">" ends."""
    carry = b""
    for chunk in _slices(chunks):
        data = carry + _NOT_HEX.sub(b"", chunk)
        end = data.find(b">")
        if end >= 0:
            data = data[:end]
            if len(data) % 2:
                data += b"0"
        carry = data[len(data) - len(data) % 2 :]
        try:
            yield binascii.unhexlify(data[: len(data) - len(carry)])
        except binascii.Error:
            return
        if end >= 0:
            return


_A85_SPACE = re.compile(rb"[\x00\t\n\x0c\r ]")


def ascii85(chunks: Iterable[bytes], early_change: int = 1) -> Chunks:
    """ASCII85Decode (§7.4.3): five characters for four bytes, "z" for four zeros, "~>" ends."""
    carry = b""
    for chunk in _slices(chunks):
        # "z" stands for a whole group, so spelling it out keeps the groups aligned.
        data = carry + _A85_SPACE.sub(b"", chunk).replace(b"z", b"!!!!!")
        end = data.find(b"~")
        if end >= 0:
            data = data[:end]
        whole = len(data) - len(data) % 5
        carry = data[whole:]
        try:
            yield base64.a85decode(data[:whole])
            if end >= 0:
                if carry:
                    # A final partial group of n characters stands for n - 1 bytes.
                    yield base64.a85decode(carry + b"u" * (5 - len(carry)))[: len(carry) - 1]
                return
        except ValueError:
            return


Decoder: TypeAlias = Callable[[Iterable[bytes], int], Chunks]

#: The filters that unpack bytes, by their names and the abbreviations of inline images (§8.9.7).
DECODERS: Final[dict[str, Decoder]] = {
    "/FlateDecode": flate,
    "/Fl": flate,
    "/LZWDecode": lzw,
    "/LZW": lzw,
    "/RunLengthDecode": run_length,
    "/RL": run_length,
    "/ASCIIHexDecode": ascii_hex,
    "/AHx": ascii_hex,
    "/ASCII85Decode": ascii85,
    "/A85": ascii85,
}


class TooMuchData(Exception):
    """A filter produced more than one stream may, or than the file has left."""

    def __init__(self, *, whole_file: bool) -> None:
        super().__init__("whole file" if whole_file else "one stream")
        self.whole_file = whole_file


def measure(
    raw: bytes,
    filters: Iterable[tuple[str, int]],
    *,
    stream_limit: int,
    total_left: int,
    watch: Callable[[bytes], None] | None = None,
) -> int:
    """How many bytes unpacking ``raw`` through ``filters`` (names with their /EarlyChange)
    produces, counting every filter's output; raise :class:`TooMuchData` as soon as one
    filter passes ``stream_limit`` or all of them pass ``total_left``.

    ``watch`` sees the final data chunk by chunk. With no filter that unpacks, the raw
    data itself is measured.
    """
    produced = 0

    def metered(chunks: Iterable[bytes]) -> Chunks:
        nonlocal produced
        count = 0
        for chunk in chunks:
            count += len(chunk)
            produced += len(chunk)
            if count > stream_limit:
                raise TooMuchData(whole_file=False)
            if produced > total_left:
                raise TooMuchData(whole_file=True)
            yield chunk

    chunks: Chunks = iter((raw,))
    unpacked = False
    for name, early_change in filters:
        decoder = DECODERS.get(name)
        if decoder is None:
            break  # an image codec, or a filter no reader knows: nothing more to unpack
        # Every filter is metered: one that swallows input and yields little (empty
        # Flate blocks, white space) must not hide a huge output of the one before.
        chunks = metered(decoder(chunks, early_change))
        unpacked = True
    if not unpacked:
        chunks = metered(chunks)
    for chunk in chunks:
        if watch is not None:
            watch(chunk)
    return produced
