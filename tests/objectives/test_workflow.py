"""Every legal and illegal transition of a progress report, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from objectives import services
from objectives.achievement import Measured
from objectives.models import Progress, ProgressEvent
from objectives.services import ConflictError, DraftValues, WorkflowError

pytestmark = pytest.mark.django_db
Status = Progress.Status


def draft(cycle, pratiche=8, giorni=5, declared=None, justification="", notes=""):
    return DraftValues(
        measured={
            cycle.pratiche.pk: Measured(number=Decimal(pratiche)),
            cycle.giorni.pk: Measured(number=Decimal(giorni)),
        },
        declared=Decimal(declared) if declared is not None else None,
        justification=justification,
        notes=notes,
    )


def save(cycle, user=None, **values) -> Progress:
    progress = Progress.objects.get(pk=cycle.progress.pk)
    return services.progress_save(
        progress_id=progress.pk,
        version=progress.version,
        acting_user=user or cycle.dirigente,
        values=draft(cycle, **values),
    )


def act(name: str, cycle, user, **kwargs) -> Progress:
    progress = Progress.objects.get(pk=cycle.progress.pk)
    return getattr(services, f"progress_{name}")(
        progress_id=progress.pk, version=progress.version, acting_user=user, **kwargs
    )


def submitted(cycle, **values) -> Progress:
    save(cycle, **values)
    return act("submit", cycle, cycle.dirigente)


def verified(cycle) -> Progress:
    submitted(cycle)
    return act("verify", cycle, cycle.segretario)


def test_saving_computes_the_achievement_and_records_the_event(cycle):
    progress = save(cycle, pratiche=8, giorni=5, notes="Dati dal gestionale")
    # 8 of 10 → 80%; 5 days against <= 5 → 100%; mean 90%.
    assert progress.computed_achievement == Decimal("90.00")
    assert progress.status == Status.BOZZA and progress.version == 2
    event = ProgressEvent.objects.get(progress=progress)
    assert event.action == "save" and event.actor == cycle.dirigente
    assert event.changes["Pratiche chiuse"] == ["—", "8"]


def test_the_eq_of_the_objective_may_fill_in_the_report(cycle):
    progress = save(cycle, user=cycle.eq, pratiche=10)
    assert progress.computed_achievement == Decimal("100.00")


@pytest.mark.parametrize(
    "who", ["other_dirigente", "segretario", "ndv", "viewer", "controllo", "outsider"]
)
def test_nobody_else_may_fill_in_the_report(cycle, who):
    with pytest.raises(PermissionDenied):
        save(cycle, user=getattr(cycle, who))
    assert Progress.objects.get(pk=cycle.progress.pk).version == 1


def test_submit_takes_the_computed_figure_when_nothing_is_declared(
    cycle, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        progress = submitted(cycle, pratiche=8, giorni=5)
    assert progress.status == Status.INVIATO
    assert progress.declared_achievement == Decimal("90.00")
    assert progress.submitted_by == cycle.dirigente
    assert [m.to for m in mailoutbox] == [["sara@example.org"]]
    assert "Avanzamento inviato" in mailoutbox[0].subject


def test_a_declared_figure_different_from_the_computed_one_needs_a_justification(cycle):
    save(cycle, pratiche=8, giorni=5, declared=95)
    with pytest.raises(WorkflowError) as excinfo:
        act("submit", cycle, cycle.dirigente)
    assert str(excinfo.value) == (
        "Il dichiarato (95%) è diverso dal calcolato (90%): scrivi la motivazione prima di inviare."
    )
    save(cycle, pratiche=8, giorni=5, declared=95, justification="Due pratiche chiuse il 2/1")
    assert act("submit", cycle, cycle.dirigente).declared_achievement == Decimal(95)


def test_a_closed_period_accepts_nothing(cycle):
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    with pytest.raises(WorkflowError, match="Il periodo 31/12/2024 è chiuso"):
        save(cycle)
    progress = Progress.objects.get(pk=cycle.progress.pk)
    with pytest.raises(WorkflowError, match="chiuso"):
        services.progress_submit(progress_id=progress.pk, version=1, acting_user=cycle.dirigente)


def test_segretario_verifies_and_ndv_validates_with_a_correction(
    cycle, mailoutbox, django_capture_on_commit_callbacks
):
    verified(cycle)
    with pytest.raises(WorkflowError, match="la motivazione è obbligatoria"):
        act("validate", cycle, cycle.ndv, validated=Decimal(85), reason="", ndv_notes="")
    with django_capture_on_commit_callbacks(execute=True):
        progress = act(
            "validate",
            cycle,
            cycle.ndv,
            validated=Decimal(85),
            reason="Evidenza parziale",
            ndv_notes="Verificato a campione",
        )
    assert progress.status == Status.VALIDATO
    assert progress.validated_achievement == Decimal(85)
    assert progress.validated_by == cycle.ndv
    assert mailoutbox[-1].to == ["anna@example.org", "elena@example.org"]
    actions = list(ProgressEvent.objects.filter(progress=progress).values_list("action", flat=True))
    assert actions == ["save", "submit", "verify", "validate"]


def test_ndv_may_keep_the_declared_figure_without_a_reason(cycle):
    verified(cycle)
    progress = act("validate", cycle, cycle.ndv, validated=Decimal(90), reason="", ndv_notes="")
    assert progress.validated_achievement == Decimal(90)


def test_return_needs_a_note_that_the_responsible_sees(
    cycle, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(cycle)
    with pytest.raises(WorkflowError, match="Scrivi una nota"):
        act("return", cycle, cycle.segretario, note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        progress = act("return", cycle, cycle.segretario, note="Allega il report del gestionale")
    assert progress.status == Status.BOZZA
    assert progress.return_note == "Allega il report del gestionale"
    assert "Allega il report del gestionale" in mailoutbox[-1].body
    # The responsible corrects and sends again; the note goes away on the new submission.
    progress = submitted(cycle, pratiche=10)
    assert progress.status == Status.INVIATO and progress.return_note == ""


def test_ndv_may_return_a_verified_report(cycle):
    verified(cycle)
    assert act("return", cycle, cycle.ndv, note="Manca l'evidenza").status == Status.BOZZA


def test_reopening_a_validated_result_needs_a_reason_and_is_recorded(cycle):
    verified(cycle)
    act("validate", cycle, cycle.ndv, validated=Decimal(90), reason="", ndv_notes="")
    with pytest.raises(WorkflowError, match="serve una motivazione"):
        act("reopen", cycle, cycle.ndv, reason="")
    progress = act("reopen", cycle, cycle.ndv, reason="Ricalcolo dopo il rendiconto")
    assert progress.status == Status.VERIFICATO and progress.validated_achievement is None
    event = ProgressEvent.objects.filter(progress=progress).latest("at", "pk")
    assert event.action == "reopen" and event.note == "Ricalcolo dopo il rendiconto"


def test_the_responsible_takes_note_of_the_final_figure_once(cycle):
    verified(cycle)
    act("validate", cycle, cycle.ndv, validated=Decimal(90), reason="", ndv_notes="")
    progress = act("acknowledge", cycle, cycle.dirigente)
    assert progress.acknowledged_at is not None
    with pytest.raises(PermissionDenied):
        act("acknowledge", cycle, cycle.dirigente)


ILLEGAL = [
    # (state reached first, action, who)
    ("bozza", "verify", "segretario"),
    ("bozza", "validate", "ndv"),
    ("bozza", "return", "segretario"),
    ("bozza", "reopen", "ndv"),
    ("bozza", "acknowledge", "dirigente"),
    ("inviato", "submit", "dirigente"),
    ("inviato", "validate", "ndv"),
    ("inviato", "return", "ndv"),
    ("inviato", "verify", "ndv"),
    ("inviato", "verify", "dirigente"),
    ("verificato", "verify", "segretario"),
    ("verificato", "validate", "segretario"),
    ("verificato", "submit", "dirigente"),
    ("validato", "validate", "ndv"),
    ("validato", "return", "segretario"),
    ("validato", "reopen", "segretario"),
    ("validato", "submit", "dirigente"),
]


def _reach(cycle, state: str) -> None:
    if state == "inviato":
        submitted(cycle)
    elif state == "verificato":
        verified(cycle)
    elif state == "validato":
        verified(cycle)
        act("validate", cycle, cycle.ndv, validated=Decimal(90), reason="", ndv_notes="")


@pytest.mark.parametrize("state, action, who", ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(cycle, state, action, who):
    _reach(cycle, state)
    before = Progress.objects.get(pk=cycle.progress.pk)
    extra = {
        "validate": {"validated": Decimal(50), "reason": "x", "ndv_notes": ""},
        "return": {"note": "x"},
        "reopen": {"reason": "x"},
    }.get(action, {})
    with pytest.raises((PermissionDenied, WorkflowError)):
        act(action, cycle, getattr(cycle, who), **extra)
    after = Progress.objects.get(pk=cycle.progress.pk)
    assert (after.status, after.version) == (before.status, before.version)


def test_a_stale_version_is_a_conflict_that_says_what_changed(cycle):
    progress = Progress.objects.get(pk=cycle.progress.pk)
    services.progress_save(
        progress_id=progress.pk, version=1, acting_user=cycle.eq, values=draft(cycle, pratiche=9)
    )
    with pytest.raises(ConflictError) as excinfo:
        services.progress_save(
            progress_id=progress.pk,
            version=1,
            acting_user=cycle.dirigente,
            values=draft(cycle, pratiche=4),
        )
    assert excinfo.value.changes[0].startswith("Salvataggio bozza di elena")
    assert "Pratiche chiuse: — → 9" in excinfo.value.changes[0]
    assert (
        Progress.objects.get(pk=progress.pk).measurements.get(indicator=cycle.pratiche).value_number
        == 9
    )


def test_bulk_validation_keeps_the_declared_figures(cycle):
    verified(cycle)
    other = Progress.objects.get(pk=cycle.other_progress.pk)  # still a draft: skipped
    count = services.progress_validate_unchanged(
        progress_ids=[cycle.progress.pk, other.pk], acting_user=cycle.ndv
    )
    assert count == 1
    progress = Progress.objects.get(pk=cycle.progress.pk)
    assert progress.status == Status.VALIDATO
    assert progress.validated_achievement == progress.declared_achievement


def test_cross_cutting_objective_has_one_report_per_assignee(cycle):
    from objectives.models import Objective
    from tests.factories import make_indicator, make_objective

    anna = cycle.progress.responsible
    dario = cycle.other_progress.responsible
    shared = make_objective(
        cycle.plan, code="9.1", weight=10, kind=Objective.Kind.TRASVERSALE, assignees=[anna, dario]
    )
    make_indicator(shared, targets=[(2024, 1)])
    created = services.progress_rows_ensure(period=cycle.period)
    assert created == 2
    reports = {p.responsible_id: p for p in shared.progress.all()}
    assert set(reports) == {anna.pk, dario.pk}
    # Each assignee reports only their own line.
    with pytest.raises(PermissionDenied):
        services.progress_save(
            progress_id=reports[dario.pk].pk,
            version=1,
            acting_user=cycle.dirigente,
            values=draft(cycle),
        )


def test_opening_a_period_is_for_the_controllo_di_gestione(cycle):
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    with pytest.raises(PermissionDenied):
        services.period_open(period_id=cycle.period.pk, acting_user=cycle.segretario)
    assert services.period_open(period_id=cycle.period.pk, acting_user=cycle.controllo) == 0
