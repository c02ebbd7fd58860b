"""Search highlights made safe to show: `<mark>` kept, everything else shown as text.

The engines escape the text around their marks, but a page must not trust that: a fragment is
parsed again and only balanced `<mark>` tags survive; any other markup (a document saying
`<script>`) is written back as escaped text, so it reads exactly as it was typed.
"""

from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe


class _OnlyMarks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open_marks = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mark":
            self.parts.append("<mark>")
            self.open_marks += 1
        else:
            self.parts.append(escape(self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(escape(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self.open_marks:
            self.parts.append("</mark>")
            self.open_marks -= 1
        else:
            self.parts.append(escape(f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.parts.append(escape(data))

    def handle_comment(self, data: str) -> None:
        self.parts.append(escape(f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.parts.append(escape(f"<!{decl}>"))

    def handle_pi(self, data: str) -> None:
        self.parts.append(escape(f"<?{data}>"))

    def unknown_decl(self, data: str) -> None:
        self.parts.append(escape(f"<![{data}]>"))


def marked(fragment: str) -> SafeString:
    """The fragment as HTML in which `<mark>` is the only element."""
    parser = _OnlyMarks()
    parser.feed(fragment)
    parser.close()
    parser.parts.append("</mark>" * parser.open_marks)
    # Safe: every piece of text went through `escape`; the only tags written are <mark>.
    return mark_safe("".join(parser.parts))  # noqa: S308
