"""Evidence files attached to a progress report."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from objectives import permissions
from objectives.evidence import RejectedFile, check_upload
from objectives.models import (
    Evidence,
    Progress,
    ProgressEvent,
)
from objectives.services.common import WorkflowError, _locked, _record, _refuse_edit

Status = Progress.Status
Action = ProgressEvent.Action


@transaction.atomic
def evidence_add(
    *, progress_id: int, acting_user: AbstractBaseUser, upload: UploadedFile
) -> Evidence:
    progress = _locked(progress_id, None)
    if not permissions.can_edit(acting_user, progress):
        _refuse_edit(progress, acting_user)
    try:
        content_type = check_upload(upload)
    except RejectedFile as exc:
        raise WorkflowError(str(exc)) from exc
    evidence = Evidence(
        ente_id=progress.ente_id,
        progress=progress,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
        uploaded_at=timezone.now(),
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    _record(
        progress,
        action=Action.EVIDENCE_ADD,
        actor=acting_user,
        from_status=progress.status,
        note=evidence.original_name,
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence_id: int, acting_user: AbstractBaseUser) -> None:
    evidence = Evidence.objects.select_related("progress").get(pk=evidence_id)
    progress = _locked(evidence.progress_id, None)
    if not permissions.can_edit(acting_user, progress):
        _refuse_edit(progress, acting_user)
    name = evidence.original_name
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    _record(
        progress,
        action=Action.EVIDENCE_REMOVE,
        actor=acting_user,
        from_status=progress.status,
        note=name,
    )
