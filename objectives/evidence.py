"""Evidence files: what may be uploaded, decided by the content, not by the name or browser."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from piao.formatting import format_number

OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}


class RejectedFile(Exception):
    """The upload is not an acceptable evidence file; the message says why, in Italian."""


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


def check_upload(upload: UploadedFile) -> str:
    """The content type of an acceptable upload, or RejectedFile."""
    if upload.size > max_bytes():
        raise RejectedFile(
            _("Il file supera il limite di %(mb)s MB.")
            % {"mb": format_number(max_bytes() / 1024 / 1024)}
        )
    if upload.size == 0:
        raise RejectedFile(_("Il file è vuoto."))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04") and extension in OFFICE_TYPES and _is_office_document(upload):
        return OFFICE_TYPES[extension]
    if extension in TEXT_TYPES and b"\x00" not in head:
        # A character cut at the 8 KB edge is not an error: the last bytes may be dropped.
        if any(_decodes(head[: len(head) - cut]) for cut in range(4)):
            return TEXT_TYPES[extension]
        raise RejectedFile(_("Il file di testo non è in UTF-8: salvalo in UTF-8 e riprova."))
    raise RejectedFile(
        _(
            "Tipo di file non ammesso: carica un PDF, un'immagine PNG o JPEG, un documento "
            "Office o OpenDocument, oppure un testo (.txt, .csv)."
        )
    )


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_office_document(upload: UploadedFile) -> bool:
    """Office and OpenDocument files are zips with a known member; nothing is decompressed."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names or "mimetype" in names
