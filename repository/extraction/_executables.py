"""Recognising programs, installers and disk images by their bytes, whatever they are called.

Where a format has a signature it decides; the name is checked as well (`_program_names`).
A zip is judged by its members' names, read from the end as the tools that unpack or run
it read them, and by those of the zips inside it, since whoever unpacks one opens those next.
"""

import codecs
import contextlib
import re
import uuid
from dataclasses import dataclass

from ._inspection import InspectionBudget, Sample, Source
from ._plain import looks_like_text
from ._program_names import PROGRAM_EXTENSIONS, extension_of
from ._zipdirectory import Member, NotInspectable, open_member, read_directories

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
_DOS_HEADER_SIZE = 64
_PE_POINTER = slice(0x3C, 0x40)  # e_lfanew: where Windows looks for the PE header
_PE_SIGNATURE = b"PE\x00\x00"
_CHM_VERSIONS = (2, 3)
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE_DIRECTORY_ENTRY = 128
_OLE_ROOT_CLSID = slice(0x50, 0x60)
_OLE_SECTOR_SHIFTS = (9, 12)
_OLE_LAST_REAL_SECTOR = 0xFFFFFFF9
# Word and Excel files are OLE storages too; Windows Installer marks its own by the class
# of the root storage, which is what msiexec checks.
_INSTALLER_CLASSES = {
    uuid.UUID(f"000c108{digit}-0000-0000-c000-000000000046").bytes_le: kind
    for digit, kind in (
        (4, "Windows Installer package (.msi)"),
        (6, "Windows Installer patch (.msp)"),
        (2, "Windows Installer transform (.mst)"),
    )
}
# ISO 9660 and UDF volume descriptors, 2 KiB sectors from 32 KiB in: the identifier of the
# first three, one byte into each sector.
_VOLUME_DESCRIPTORS = slice(0x8000, 0x9006)
_VOLUME_IDENTIFIER_OFFSETS = (0x1, 0x801, 0x1001)
_VOLUME_IDENTIFIERS = (b"CD001", b"BEA01", b"NSR02", b"NSR03")
_DISK_IMAGE_FOOTER = 512
_APP_BUNDLE = re.compile(r"(?:^|/)[^/]+\.app/contents/")
# Zips a desktop opens as a folder on a double click; their members are checked in turn.
_NESTED_ARCHIVE_EXTENSIONS = frozenset({".zip"})
# The upload's archive, and two levels of archives inside it, have their members checked;
# an archive deeper than that is refused rather than accepted unread.
MAX_NESTING = 3

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


def executable_kind(sample: Sample) -> str | None:
    """What kind of program, installer or disk image the file is, or None."""
    head = sample.head
    kind = _kind_by_head(head)
    if kind is not None:
        return kind
    if head.startswith((b"MZ", b"ZM")) and _is_dos_or_windows_program(sample):
        return "Windows executable (PE/MZ)"
    if head.startswith(_OLE_MAGIC):
        return _installer_kind(sample)
    return _disk_image_kind(sample)


def _kind_by_head(head: bytes) -> str | None:
    if head.startswith(b"\x7fELF"):
        return "ELF executable"
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
    if head.startswith(b"ITSF") and int.from_bytes(head[4:8], "little") in _CHM_VERSIONS:
        return "compiled HTML help (.chm)"
    if head.startswith(b"?_\x03\x00"):
        return "Windows help file (.hlp)"
    return None


def _is_dos_or_windows_program(sample: Sample) -> bool:
    """A DOS header opens every Windows program and no document, and its fields are the
    writer's to choose (none need be zero). So "MZ" is refused unless the head reads as text,
    as a sentence starting with those letters does, and no PE header is where Windows would
    look for one: wherever e_lfanew points, however far into the file."""
    head = sample.head
    if not looks_like_text(head):
        return True
    if len(head) < _DOS_HEADER_SIZE:
        return False
    pointer = int.from_bytes(head[_PE_POINTER], "little")
    return sample.read_at(pointer, len(_PE_SIGNATURE)) == _PE_SIGNATURE


def _installer_kind(sample: Sample) -> str | None:
    head = sample.head
    sector_shift = int.from_bytes(head[0x1E:0x20], "little")
    first_directory_sector = int.from_bytes(head[0x30:0x34], "little")
    if sector_shift not in _OLE_SECTOR_SHIFTS or first_directory_sector > _OLE_LAST_REAL_SECTOR:
        return None
    # The root storage is the first directory entry; sector n starts after the header sector.
    root = sample.read_at((first_directory_sector + 1) << sector_shift, _OLE_DIRECTORY_ENTRY)
    return _INSTALLER_CLASSES.get(root[_OLE_ROOT_CLSID])


def _disk_image_kind(sample: Sample) -> str | None:
    """Disk images Windows or macOS mount on a double click, programs and all."""
    head = sample.head
    footer = sample.tail[-_DISK_IMAGE_FOOTER:]
    if head.startswith(b"vhdxfile"):
        return "virtual hard disk (.vhdx)"
    # Early Virtual PC wrote a 511-byte footer.
    if head.startswith(b"conectix") or b"conectix" in footer[:9]:
        return "virtual hard disk (.vhd)"
    if footer.startswith(b"koly"):
        return "macOS disk image (.dmg)"
    if sample.size < _VOLUME_DESCRIPTORS.stop:
        return None
    start, stop = _VOLUME_DESCRIPTORS.start, _VOLUME_DESCRIPTORS.stop
    descriptors = sample.read_at(start, stop - start)
    for offset in _VOLUME_IDENTIFIER_OFFSETS:
        if descriptors[offset : offset + 5] in _VOLUME_IDENTIFIERS:
            return "disk image (.iso/.img)"
    return None


def package_kind(names: list[str]) -> str | None:
    """What kind of program package a zip with these member names is, or None."""
    folded = {name.replace("\\", "/").lower() for name in names}
    if "classes.dex" in folded and "androidmanifest.xml" in folded:
        return "Android application package (.apk)"
    if "appxmanifest.xml" in folded or "appxmetadata/appxbundlemanifest.xml" in folded:
        return "Windows application package (.appx/.msix)"
    # Java finds the manifest whatever its case; classes alone run with `java -cp`.
    if "meta-inf/manifest.mf" in folded or any(name.endswith(".class") for name in folded):
        return "Java archive (.jar)"
    if "extension.vsixmanifest" in folded:
        return "Visual Studio extension (.vsix)"
    if any(".app/" in name and _APP_BUNDLE.search(name) for name in folded):
        return "macOS application bundle (.app)"
    return None


@dataclass(frozen=True)
class ArchivedProgram:
    """A program found in an archive: `path` names the member ("" for the archive itself),
    through the archives it sits in ("old.zip/tools/setup.exe")."""

    path: str
    kind: str


def program_in_directories(
    source: Source, directories: list[list[Member]], budget: InspectionBudget, *, depth: int = 0
) -> ArchivedProgram | None:
    """The first program among the members of the zip directories found in `source`
    (`read_directories`), or in the zips inside them. Raises InspectionLimitReached or
    NotInspectable for an archive whose members cannot all be checked within the budget."""
    nested: list[Member] = []
    for members in directories:
        found = _program_among(members, nested)
        if found is not None:
            return found
    # Names first, everywhere: they cost nothing, while opening an inner archive may.
    for member in nested:
        if depth + 1 >= MAX_NESTING:
            raise NotInspectable("archives nested too deep")
        found = _nested_program(source, member, budget, depth=depth + 1)
        if found is not None:
            return found
    return None


def _program_among(members: list[Member], nested: list[Member]) -> ArchivedProgram | None:
    """A program among these members' names; the archives among them are added to `nested`."""
    kind = package_kind([name for member in members for name in member.names])
    if kind is not None:
        return ArchivedProgram(path="", kind=kind)
    for member in members:
        if member.is_directory:
            continue
        for name in member.names:
            extension = extension_of(name)
            if extension in PROGRAM_EXTENSIONS:
                return ArchivedProgram(path=name, kind=f"{extension} file")
            if extension in _NESTED_ARCHIVE_EXTENSIONS:
                nested.append(member)
                break
    return None


def _nested_program(
    source: Source, member: Member, budget: InspectionBudget, *, depth: int
) -> ArchivedProgram | None:
    budget.take_archive()  # opening one costs reads and setup, however small it is
    inner = open_member(source, member, budget)
    if inner is None:
        return None  # damaged data: no tool unpacks it either
    with contextlib.closing(inner):
        directories = read_directories(inner, budget)
        found = program_in_directories(inner, directories, budget, depth=depth)
    if found is None:
        return None
    path = f"{member.name}/{found.path}" if found.path else member.name
    return ArchivedProgram(path=path, kind=found.kind)
