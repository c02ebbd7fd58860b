"""Recognising programs and launchers, so they are refused whatever they are called."""

import codecs

_LNK_HEADER = bytes.fromhex("4c0000000114020000000000c000000000000046")
_MACH_O_MAGICS = (
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
)
_CAFEBABE = b"\xca\xfe\xba\xbe"
# Java class files start at version 45; Mach-O universal binaries put their small
# architecture count in the same word, which is how the two are told apart.
_FIRST_JAVA_CLASS_VERSION = 45
# A DOS header is mostly zero fields, so a real MZ executable has NUL bytes here; a text
# file that happens to start with the letters "MZ" has none.
_DOS_HEADER_SIZE = 64

# Suffixes that Windows or a desktop shell runs (or installs) on a double click. A
# document service has no business storing them, even when the bytes look harmless.
FORBIDDEN_EXTENSIONS = frozenset(
    {
        ".apk",
        ".app",
        ".appx",
        ".bat",
        ".cmd",
        ".com",
        ".cpl",
        ".dll",
        ".exe",
        ".hta",
        ".jar",
        ".js",
        ".jse",
        ".lnk",
        ".msi",
        ".msix",
        ".msp",
        ".pif",
        ".ps1",
        ".psm1",
        ".reg",
        ".scr",
        ".sh",
        ".vbe",
        ".vbs",
        ".wsf",
        ".wsh",
    }
)

# MIME types puremagic may report for executables we have no signature of our own for.
EXECUTABLE_MIME_TYPES = frozenset(
    {
        "application/java-archive",
        "application/java-vm",
        "application/vnd.android.package-archive",
        "application/vnd.microsoft.portable-executable",
        "application/x-dosexec",
        "application/x-elf",
        "application/x-executable",
        "application/x-mach-binary",
        "application/x-ms-shortcut",
        "application/x-msdownload",
        "application/x-msi",
        "application/x-sharedlib",
    }
)


def executable_kind(head: bytes) -> str | None:
    """What kind of program the first bytes of a file belong to, or None for non-programs."""
    if head.startswith(b"\x7fELF"):
        return "ELF executable"
    if head.startswith((b"MZ", b"ZM")) and b"\x00" in head[:_DOS_HEADER_SIZE]:
        return "Windows executable (PE/MZ)"
    if head.startswith(_MACH_O_MAGICS):
        return "Mach-O executable"
    if head.startswith(_CAFEBABE):
        word = int.from_bytes(head[4:8], "big")
        return "Java class file" if word >= _FIRST_JAVA_CLASS_VERSION else "Mach-O universal binary"
    if head.removeprefix(codecs.BOM_UTF8).startswith(b"#!"):
        return "script with a #! interpreter line"
    if head.startswith(_LNK_HEADER):
        return "Windows shortcut (.lnk)"
    if head.startswith(b"dex\n"):
        return "Android DEX bytecode"
    return None


def archive_executable_kind(names: list[str]) -> str | None:
    """What kind of program package a zip with these member names is, or None."""
    name_set = set(names)
    if "classes.dex" in name_set and "AndroidManifest.xml" in name_set:
        return "Android application package (.apk)"
    if "AppxManifest.xml" in name_set:
        return "Windows application package (.appx/.msix)"
    if "META-INF/MANIFEST.MF" in name_set and any(name.endswith(".class") for name in names):
        return "Java archive (.jar)"
    return None
