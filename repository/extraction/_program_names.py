"""Names a desktop runs, installs or mounts on a double click, whatever the file holds.

The suffix is taken as Windows takes it: from the last path component, case-insensitively,
after the trailing dots and spaces Windows drops ("setup.exe. " is setup.exe), and only the
last one counts ("report.pdf.exe" is a program, "setup.exe.pdf" a PDF).
"""

import string

# Windows drops trailing dots and spaces; other trailing white space goes too, to be safe.
_TRAILING = ". " + string.whitespace

# A document service has no business storing these, even when the bytes look harmless.
PROGRAM_EXTENSIONS = frozenset(
    f".{suffix}"
    for group in (
        # Windows executables and libraries; Excel (.xll) and Word (.wll) add-ins are DLLs
        "exe com scr pif cpl dll ocx sys drv xll wll",
        # installers and application packages
        "msi msp mst msu msix msixbundle appx appxbundle appinstaller application appref-ms",
        "xbap vsix gadget diagcab jar jnlp class apk dex app pkg mpkg",
        # scripts and script components
        "bat cmd ps1 psm1 vb vbs vbe js jse wsf wsh wsc sct hta sh command",
        "py pyw pyz pyzw pyc pyo",
        # shortcuts, shell and setup files that point at or launch something
        "lnk url website scf shb shs inf ins isp reg desktop",
        "settingcontent-ms library-ms searchconnector-ms",
        # compiled help and management consoles, which run script or snap-ins
        "chm hlp msc",
        # disk images, mounted on a double click with whatever programs they hold
        "iso img vhd vhdx dmg",
    )
    for suffix in group.split()
)


def extension_of(name: str) -> str:
    """The lower-case suffix (".exe") Windows goes by for `name`, or "" when it has none."""
    base = name[max(name.rfind("/"), name.rfind("\\")) + 1 :].rstrip(_TRAILING)
    dot = base.rfind(".")
    return base[dot:].lower() if dot >= 0 else ""


def program_extension(name: str) -> str | None:
    """The suffix of `name` if it is a program's, else None."""
    extension = extension_of(name)
    return extension if extension in PROGRAM_EXTENSIONS else None
