"""An uploaded file waiting between its preview and its confirmation.

The file goes to Django's default storage under a random name (so app servers stay stateless
and S3-compatible storage works); the pages carry a signed token that names it together with
the user, the ente and the plan chosen. Nothing of the plan is saved until confirmation.
"""

import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from objectives.models import ImportRecord, Plan
from objectives.plan_import.sheets import SheetError
from objectives.plan_import.spreadsheet import preview_spreadsheet, record_import
from organisation.models import Ente

SALT = "objectives.plan-import"
MAX_AGE = 24 * 60 * 60
FOLDER = "plan-imports"


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


def stash_upload(
    data: bytes, *, file_name: str, user, ente: Ente, plan, title, first_year, last_year
) -> str:
    """Keep the file for the preview; return the token that names it."""
    path = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.upload", ContentFile(data))
    payload = {
        "path": path,
        "name": file_name[:255],
        "user": user.pk,
        "ente": ente.pk,
        "plan": plan.pk if plan else None,
        "title": title,
        "years": [first_year, last_year],
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def receive_upload(choice: dict, *, user) -> str:
    """Check that an uploaded file is a table we can read, and keep it for its preview.

    `choice` holds the form's file, ente, plan, title and years. A file that cannot be read
    raises SheetError and is recorded as a refused import.
    """
    upload, ente = choice["file"], choice["ente"]
    data = upload.read()
    try:
        preview_spreadsheet(
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
    return stash_upload(
        data,
        file_name=upload.name,
        user=user,
        ente=ente,
        plan=choice["plan"],
        title=choice["title"],
        first_year=choice["first_year"],
        last_year=choice["last_year"],
    )


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
