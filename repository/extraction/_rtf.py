"""Rich Text Format (.rtf): the text a reader sees, decoded from the document's code pages.

A small parser of our own rather than striprtf: that one decodes the whole file into one
string first and runs backtracking regular expressions over all of it, so a hostile file
costs unbounded time and memory. Here a linear tokenizer reads the file in chunks, up to
`max_rtf_bytes`; groups nested deeper than _MAX_DEPTH cost no memory (their text is
dropped); and reading stops as soon as the text budget is used up.

What counts as text: characters outside destinations (font and colour tables, style
sheet, document info, pictures, field instructions, `{\\*...}` groups), with `\\uN`
Unicode escapes and `\\'hh` bytes decoded in the code page of the current font
(`\\fcharset`) or of the document (`\\ansicpg`).
"""

import codecs
import re
from typing import BinaryIO

from ._errors import ExtractionError
from ._limits import MIB, ExtractionLimits
from ._text import TextBudget, TextLimitReached, TextSection, join_sections

LABEL = ".rtf"
_CHUNK = 1 * MIB
_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?[0-9]{1,10})? ?"  # control word with its parameter and delimiter
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the current code page
    rb"|\\(.)"  # control symbol
    rb"|([{}])"
    rb"|[\r\n]+"  # line ends in the source are not text
    rb"|([^\\{}\r\n]+)",
    re.DOTALL,
)
# The longest control word ("\" + 32 letters + "-" + 10 digits + " ") is 45 bytes: a
# token starting this far before the end of a chunk is never cut by the chunk's end.
_LOOKAHEAD = 48
# Real documents nest a few dozen groups deep; deeper groups are counted, not stacked.
_MAX_DEPTH = 512
_MAX_FONTS = 4096
_UNICODE_SPAN = 0x10000

_TEXT, _SKIP, _FONT_TABLE = range(3)
_SKIPPED_DESTINATIONS = frozenset(
    {
        b"atnauthor", b"atndate", b"atnicn", b"atnid", b"atnparent", b"atnref", b"atntime",
        b"bkmkend", b"bkmkstart", b"colorschememapping", b"colortbl", b"datafield",
        b"datastore", b"docvar", b"falt", b"filetbl", b"fldinst", b"fontemb", b"fontfile",
        b"generator", b"info", b"latentstyles", b"listoverridetable", b"listtable",
        b"mmathPr", b"nonshppict", b"objalias", b"objclass", b"objdata", b"objname",
        b"objsect", b"objtime", b"panose", b"password", b"passwordhash", b"pgptbl", b"pict",
        b"revtbl", b"rsidtbl", b"rxe", b"sp", b"stylesheet", b"tc", b"template", b"themedata",
        b"txe", b"userprops", b"xe", b"xmlnstbl",
    }
)  # fmt: skip
_LINE_BREAKS = frozenset({b"par", b"line", b"sect", b"page", b"row"})
_CHARACTERS = {
    b"tab": "\t",
    b"cell": "\t",
    b"nestcell": "\t",
    b"emdash": "\u2014",
    b"endash": "\u2013",
    b"emspace": "\u2003",
    b"enspace": "\u2002",
    b"qmspace": "\u2005",
    b"bullet": "\u2022",
    b"lquote": "\u2018",
    b"rquote": "\u2019",
    b"ldblquote": "\u201c",
    b"rdblquote": "\u201d",
}
_SYMBOLS = {b"\\": "\\", b"{": "{", b"}": "}", b"~": "\xa0", b"_": "\u2011"}
_DOCUMENT_CODE_PAGES = {b"ansi": "cp1252", b"mac": "mac_roman", b"pc": "cp437", b"pca": "cp850"}
# \fcharsetN -> codec. ANSI (0), default (1) and symbol (2) fonts use the document's
# \ansicpg: simple writers declare \ansicpg1251 and leave every font at charset 0.
_CHARSET_CODECS = {
    77: "mac_roman", 128: "cp932", 129: "cp949", 130: "johab", 134: "gbk", 136: "cp950",
    161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256",
    186: "cp1257", 204: "cp1251", 222: "cp874", 238: "cp1250", 254: "cp437", 255: "cp850",
}  # fmt: skip


def _code_page_codec(number: int) -> str | None:
    """The codec of Windows code page `number` (\\ansicpg1251, \\cpg936), if Python has one."""
    try:
        return codecs.lookup(f"cp{number}").name
    except LookupError:
        return None


class _RtfText:
    """A streaming RTF reader: feed it chunks, it adds the text's lines to a section."""

    def __init__(self, section: TextSection, *, max_line_chars: int) -> None:
        self._section = section
        self._max_line_chars = max_line_chars
        self._carry = b""
        self._binary_left = 0  # bytes of \binN data still to skip
        # The state of the current group; enclosing groups' states are on the stack.
        self._destination = _TEXT
        self._unicode_skip = 1  # \ucN: fallback characters that follow each \uN
        self._font: int | None = None
        self._stack: list[tuple[int, int, int | None]] = []
        self._overflow_depth = 0
        # Document-wide settings.
        self._document_codec = "cp1252"
        self._default_font: int | None = None
        self._font_codecs: dict[int, str] = {}
        self._defining_font: int | None = None
        # Output under construction.
        self._fallback_left = 0  # characters after a \uN still to drop
        self._pending = bytearray()  # text bytes not yet decoded
        self._high_surrogate: int | None = None
        self._line: list[str] = []
        self._line_chars = 0

    def feed(self, data: bytes, *, is_final: bool) -> None:
        buffer = self._carry + data if self._carry else data
        end = len(buffer)
        safe_end = end if is_final else end - _LOOKAHEAD
        position = 0
        while position < end:
            if self._binary_left:
                skipped = min(self._binary_left, end - position)
                self._binary_left -= skipped
                position += skipped
                continue
            if position >= safe_end:
                break
            match = _TOKEN.match(buffer, position)
            if match is None:  # a lone backslash at the very end of the file
                break
            position = match.end()
            self._token(match)
        self._carry = buffer[position:] if not is_final else b""
        if is_final:
            self._flush_bytes()
            self._end_line()

    def _token(self, match: re.Match[bytes]) -> None:
        word, parameter, hex_byte, symbol, brace, text = match.groups()
        if text is not None:
            self._add_bytes(text)
        elif hex_byte is not None:
            self._add_bytes(bytes.fromhex(hex_byte.decode("ascii")))
        elif word is not None:
            if word == b"bin":
                # Raw binary data follows, whatever the group; it may contain braces.
                self._binary_left = max(0, int(parameter or 0))
            elif not self._overflow_depth:
                self._control_word(word, None if parameter is None else int(parameter))
        elif symbol is not None:
            self._control_symbol(symbol)
        elif brace == b"{":
            self._open_group()
        elif brace == b"}":
            self._close_group()

    def _open_group(self) -> None:
        self._flush_bytes()
        self._fallback_left = 0
        if len(self._stack) >= _MAX_DEPTH:
            self._overflow_depth += 1
            return
        self._stack.append((self._destination, self._unicode_skip, self._font))
        if self._destination == _FONT_TABLE:
            self._defining_font = None

    def _close_group(self) -> None:
        self._flush_bytes()
        self._fallback_left = 0
        if self._overflow_depth:
            self._overflow_depth -= 1
        elif self._stack:
            self._destination, self._unicode_skip, self._font = self._stack.pop()
            if not self._stack:
                # The document ends with its outermost group; writers pad files with NULs.
                self._destination = _SKIP

    def _control_word(self, word: bytes, parameter: int | None) -> None:
        if self._fallback_left:
            # A control word stands for one character of a \uN's fallback.
            self._fallback_left -= 1
            return
        destination = self._destination
        if destination == _SKIP:
            return
        self._flush_bytes()
        if word in _SKIPPED_DESTINATIONS:
            self._destination = _SKIP
        elif word == b"fonttbl":
            self._destination = _FONT_TABLE
        elif destination == _FONT_TABLE:
            self._font_table_word(word, parameter)
        elif word == b"u" and parameter is not None:
            self._add_unicode(parameter % _UNICODE_SPAN)
            self._fallback_left = self._unicode_skip
        elif word in _LINE_BREAKS:
            self._end_line()
        elif word in _CHARACTERS:
            self._add_text(_CHARACTERS[word])
        elif word == b"f":
            self._font = parameter
        elif word == b"plain":
            self._font = self._default_font
        elif word == b"uc" and parameter is not None:
            self._unicode_skip = max(0, parameter)
        else:
            self._document_word(word, parameter)

    def _document_word(self, word: bytes, parameter: int | None) -> None:
        if word in _DOCUMENT_CODE_PAGES:
            self._document_codec = _DOCUMENT_CODE_PAGES[word]
        elif word == b"ansicpg" and parameter is not None:
            self._document_codec = _code_page_codec(parameter) or self._document_codec
        elif word == b"deff":
            self._default_font = parameter

    def _font_table_word(self, word: bytes, parameter: int | None) -> None:
        if word == b"f":
            self._defining_font = parameter
            return
        if self._defining_font is None or parameter is None:
            return
        if word == b"fcharset":
            codec = _CHARSET_CODECS.get(parameter)
        elif word == b"cpg":
            codec = _code_page_codec(parameter)
        else:
            return
        if codec is not None and len(self._font_codecs) < _MAX_FONTS:
            self._font_codecs[self._defining_font] = codec

    def _control_symbol(self, symbol: bytes) -> None:
        if self._overflow_depth:
            return
        if self._fallback_left:
            self._fallback_left -= 1
            return
        self._flush_bytes()
        if symbol == b"*":
            # An "ignorable destination": a group this reader need not understand.
            self._destination = _SKIP
        elif self._destination != _TEXT:
            return
        elif symbol in (b"\n", b"\r"):  # a backslash before a line end is \par
            self._end_line()
        elif symbol in _SYMBOLS:
            self._add_text(_SYMBOLS[symbol])

    def _add_bytes(self, data: bytes) -> None:
        if self._destination != _TEXT or self._overflow_depth:
            return
        if self._fallback_left:
            dropped = min(self._fallback_left, len(data))
            self._fallback_left -= dropped
            data = data[dropped:]
        self._pending += data
        if len(self._pending) >= _CHUNK:
            self._flush_bytes()

    def _flush_bytes(self) -> None:
        if not self._pending:
            return
        codec = self._document_codec
        if self._font is not None:
            codec = self._font_codecs.get(self._font, codec)
        text = self._pending.decode(codec, "replace")
        self._pending.clear()
        self._add_text(text)

    def _add_unicode(self, unit: int) -> None:
        self._flush_bytes()
        high, self._high_surrogate = self._high_surrogate, None
        is_low = 0xDC00 <= unit < 0xE000
        if high is not None and is_low:
            self._add_text(chr(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)))
            return
        if high is not None:
            self._add_text("\ufffd")  # a high surrogate without its low half
        if 0xD800 <= unit < 0xDC00:
            self._high_surrogate = unit
        else:
            self._add_text("\ufffd" if is_low else chr(unit))

    def _add_text(self, text: str) -> None:
        if self._high_surrogate is not None:
            self._high_surrogate = None
            text = "\ufffd" + text
        self._line.append(text)
        self._line_chars += len(text)
        if self._line_chars > self._max_line_chars:
            # One endless line must not hold more than the whole budget in memory.
            self._end_line()

    def _end_line(self) -> None:
        line = "".join(self._line).rstrip("\t")  # a table row's last cell ends in a tab
        self._line = []
        self._line_chars = 0
        self._section.add(line)


def extract_rtf(file: BinaryIO, limits: ExtractionLimits) -> str:
    bytes_left = limits.max_rtf_bytes
    chunk = file.read(min(_CHUNK, bytes_left))
    if not chunk.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"{\\rtf"):
        raise ExtractionError(f"not a valid {LABEL}: it does not start with {{\\rtf")
    section = TextSection(TextBudget(limits.max_text_chars))
    reader = _RtfText(section, max_line_chars=limits.max_text_chars)
    try:
        while chunk:
            bytes_left -= len(chunk)
            following = file.read(min(_CHUNK, bytes_left)) if bytes_left > 0 else b""
            reader.feed(chunk, is_final=not following)
            chunk = following
    except TextLimitReached:
        pass
    return join_sections([section], limits.max_text_chars)
