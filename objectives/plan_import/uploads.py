"""An uploaded file waiting between its preview and its confirmation.

The file goes to Django's default storage under a random name (so app servers stay stateless
and S3-compatible storage works); the pages carry a signed token that names it together with
the user, the ente and the plan chosen. Nothing of the plan is saved until confirmation.

What the preview page shows of the file read with one mapping is kept beside it as JSON
(`<name>.preview`, the last mapping asked for only), so that turning the preview's pages does not
read the file again; a new mapping reads it once more.

A confirmed upload's file is deleted once the plan is saved (the ImportRecord keeps its name,
size and SHA-256, not the file); one never confirmed is deleted once its token has expired,
by `purge_uploads` (the `purge_plan_imports` command, for cron, and each new upload).
"""

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from objectives.models import ImportRecord, Plan
from objectives.plan_import.preview import PreviewPage
from objectives.plan_import.sheets import SheetError
from objectives.plan_import.spreadsheet import preview_spreadsheet, record_import
from organisation.models import Ente

SALT = "objectives.plan-import"
MAX_AGE = 24 * 60 * 60
FOLDER = "plan-imports"
SUFFIX = ".upload"
PREVIEW_SUFFIX = ".preview"

logger = logging.getLogger(__name__)


class UploadNotFound(Exception):
    """The token is forged, expired, someone else's, or its file is gone."""


@dataclass
class Upload:
    token: str
    path: str
    file_name: str
    ente: Ente
    plan: Plan | None
    title: str
    first_year: int
    last_year: int

    def read(self) -> bytes:
        with default_storage.open(self.path, "rb") as handle:
            return handle.read()

    @property
    def preview_path(self) -> str:
        return _preview_path(self.path)


def _preview_path(path: str) -> str:
    return path.removesuffix(SUFFIX) + PREVIEW_SUFFIX


def _mapping_key(mapping: dict[int, str]) -> list:
    return sorted([col, role] for col, role in mapping.items())


def keep_preview(path: str, mapping: dict[int, str], page: PreviewPage) -> None:
    """Keep what the preview page shows for this mapping, in place of the one kept before."""
    content = json.dumps({"mapping": _mapping_key(mapping), "page": page.as_json()})
    preview = _preview_path(path)
    try:
        default_storage.delete(preview)
        default_storage.save(preview, ContentFile(content.encode()))
    except OSError:  # the page is shown all the same; the next one reads the file again
        logger.exception("could not keep the preview of %s", path)


def kept_preview(upload: Upload, mapping: dict[int, str]) -> PreviewPage | None:
    """The page kept for this upload and mapping, or None (none kept, or another mapping)."""
    try:
        with default_storage.open(upload.preview_path, "rb") as handle:
            kept = json.loads(handle.read())
        if kept.get("mapping") != _mapping_key(mapping):
            return None
        return PreviewPage.from_json(kept["page"])
    except (OSError, ValueError, KeyError, TypeError):  # none kept yet, or unreadable: read again
        return None


def stash_upload(
    data: bytes, *, file_name: str, user, ente: Ente, plan, title, first_year, last_year
) -> tuple[str, str]:
    """Keep the file for the preview; return the token that names it and its path."""
    path = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}{SUFFIX}", ContentFile(data))
    payload = {
        "path": path,
        "name": file_name[:255],
        "user": user.pk,
        "ente": ente.pk,
        "plan": plan.pk if plan else None,
        "title": title,
        "years": [first_year, last_year],
    }
    return signing.dumps(payload, salt=SALT, compress=True), path


def receive_upload(choice: dict, *, user) -> str:
    """Check that an uploaded file is a table we can read, and keep it for its preview.

    `choice` holds the form's file, ente, plan, title and years. A file that cannot be read
    raises SheetError and is recorded as a refused import.
    """
    upload, ente = choice["file"], choice["ente"]
    try:
        purge_uploads()
    except OSError:  # a storage hiccup must not stop an upload; cron purges next time
        logger.exception("purge of old plan uploads failed")
    data = upload.read()
    try:
        preview = preview_spreadsheet(
            data,
            upload.name,
            ente_slug=ente.slug,
            plan_title=choice["title"],
            first_year=choice["first_year"],
            last_year=choice["last_year"],
        )
    except SheetError as exc:
        record_import(
            source=ImportRecord.Source.WEB,
            file_name=upload.name,
            data=data,
            outcome=ImportRecord.Outcome.REFUSED,
            user=user,
            ente_slug=ente.slug,
            plan_title=choice["title"],
            messages=exc.errors,
        )
        raise
    token, path = stash_upload(
        data,
        file_name=upload.name,
        user=user,
        ente=ente,
        plan=choice["plan"],
        title=choice["title"],
        first_year=choice["first_year"],
        last_year=choice["last_year"],
    )
    keep_preview(path, {}, PreviewPage.of(preview))
    return token


def load_upload(token: str, *, user, entes) -> Upload:
    """The upload a token names, if it is the user's and its ente is still theirs."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as exc:
        raise UploadNotFound from exc
    if payload.get("user") != user.pk or not str(payload.get("path", "")).startswith(FOLDER):
        raise UploadNotFound
    ente = entes.filter(pk=payload["ente"]).first()
    plan = None
    if payload["plan"] is not None:
        plan = Plan.objects.filter(pk=payload["plan"], ente=ente).first()
        if plan is None:
            raise UploadNotFound
    if ente is None or not default_storage.exists(payload["path"]):
        raise UploadNotFound
    first, last = payload["years"]
    return Upload(
        token=token,
        path=payload["path"],
        file_name=payload["name"],
        ente=ente,
        plan=plan,
        title=payload["title"],
        first_year=first,
        last_year=last,
    )


def discard_upload(upload: Upload) -> None:
    default_storage.delete(upload.path)
    default_storage.delete(upload.preview_path)


def purge_uploads(*, older_than: dt.timedelta = dt.timedelta(seconds=MAX_AGE)) -> int:
    """Delete the uploads waiting longer than `older_than` (by default, the token's lifetime:
    no page can confirm them any more); return how many were deleted."""
    if not default_storage.exists(FOLDER):
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in default_storage.listdir(FOLDER)[1]:
        if not name.endswith((SUFFIX, PREVIEW_SUFFIX)):
            continue
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += name.endswith(SUFFIX)  # a kept preview goes with its file, uncounted
        except FileNotFoundError:  # purged meanwhile by another process
            continue
    return deleted
