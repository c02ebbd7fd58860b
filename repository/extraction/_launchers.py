"""Launchers written as text: shortcuts, setup and shell files, scriptlets, manifests.

They have no magic number, but each has the shape Windows (or a desktop) looks for: an INI
section with its key ([InternetShortcut] with a URL, [Shell] with a Command or IconFile,
[Version] with a Signature), or an XML root element (MMC_ConsoleFile, scriptlet, jnlp, a
ClickOnce assembly). Prose that merely mentions those words has neither shape.
"""

import re

from ._plain import bom_encoding, decode_incremental

_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_XML_LAUNCHERS = {
    "mmc_consolefile": "Microsoft Management Console file (.msc)",
    "scriptlet": "Windows script component (.sct/.wsc)",
    "jnlp": "Java Web Start launcher (.jnlp)",
    "appinstaller": "Windows App Installer file (.appinstaller)",
}
# Roots Windows Script Host and scrobj.dll accept, which other XML uses too: only with script.
_SCRIPT_HOST_ROOTS = frozenset({"component", "package", "job"})
_SCRIPT_MARKS = ("<script", "<registration")
# ClickOnce deployment (.application) and application manifests share this namespace.
_WINDOWS_MANIFEST_NAMESPACE = "urn:schemas-microsoft-com:asm.v"
_INI_LAUNCHERS = (
    ("internetshortcut", frozenset({"url"}), "Internet shortcut (.url)"),
    ("shell", frozenset({"command", "iconfile"}), "Explorer command file (.scf)"),
    ("version", frozenset({"signature"}), "Windows setup information file (.inf)"),
    ("desktop entry", frozenset({"exec"}), "desktop launcher (.desktop)"),
)


def launcher_kind(head: bytes) -> str | None:
    """What kind of text launcher the first bytes of a text file belong to, or None."""
    encoding = bom_encoding(head) or "utf-8"
    text = decode_incremental(head, encoding, is_complete=False, errors="replace")
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return _markup_kind(text)
    if text.startswith(("[", ";")):
        return _ini_kind(text)
    return None


def _markup_kind(text: str) -> str | None:
    lowered = text.lower()
    if "<hta:application" in lowered:
        return "HTML application (.hta)"
    root = _xml_root(text)
    if root is None:
        return None
    local_name = root.rpartition(":")[2].lower()
    if local_name in _XML_LAUNCHERS:
        return _XML_LAUNCHERS[local_name]
    if local_name in _SCRIPT_HOST_ROOTS and any(mark in lowered for mark in _SCRIPT_MARKS):
        return "Windows script (.wsf/.wsc)"
    if local_name == "assembly" and _WINDOWS_MANIFEST_NAMESPACE in lowered:
        return "Windows application manifest (.application/.manifest)"
    return None


def _xml_root(text: str) -> str | None:
    """The first element's name, past the XML declaration, comments and a DOCTYPE."""
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if text.startswith("<?", position):
            position = _after(text, "?>", position)
        elif text.startswith("<!--", position):
            position = _after(text, "-->", position)
        elif text.startswith("<!", position):
            subset = text.find("[", position)
            close = text.find(">", position)
            if 0 <= subset < close:  # an internal subset may hold ">" of its own
                after_subset = _after(text, "]", subset)
                close = text.find(">", after_subset) if after_subset >= 0 else -1
            position = close + 1 if close >= 0 else -1
        elif text.startswith("<", position):
            match = _NAME.match(text, position + 1)
            return match.group() if match else None
        else:
            return None
        if position < 0:
            return None


def _after(text: str, end: str, position: int) -> int:
    found = text.find(end, position)
    return found + len(end) if found >= 0 else -1


def _ini_kind(text: str) -> str | None:
    """Sections and keys of an INI file; text before the first section means it is none."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith((";", "#")):
            continue
        if stripped.startswith("[") and "]" in stripped:
            name = stripped[1 : stripped.index("]")].strip().lower()
            current = sections.setdefault(name, set())
        elif current is None:
            return None
        else:
            current.add(stripped.partition("=")[0].strip().lower())
    for section, keys, kind in _INI_LAUNCHERS:
        if keys & sections.get(section, set()):
            return kind
    return None
