"""Two people saving the same report at the same moment: one wins, the other is told."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from objectives import services
from objectives.achievement import Measured
from objectives.models import Measurement, Progress


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_lose_no_update(cycle):
    progress_id = cycle.progress.pk
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def save(name: str, user, value: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.progress_save(
                progress_id=progress_id,
                version=1,
                acting_user=user,
                values=services.DraftValues(
                    measured={cycle.pratiche.pk: Measured(number=Decimal(value))},
                    declared=None,
                    justification="",
                    notes="",
                ),
            )
            outcome[name] = "saved"
        except services.ConflictError:
            outcome[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("anna", cycle.dirigente, 4)),
        threading.Thread(target=save, args=("elena", cycle.eq, 9)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcome.values()) == ["conflict", "saved"], outcome
    winner = next(name for name, result in outcome.items() if result == "saved")
    progress = Progress.objects.get(pk=progress_id)
    assert progress.version == 2
    value = Measurement.objects.get(progress=progress, indicator=cycle.pratiche).value_number
    assert value == {"anna": 4, "elena": 9}[winner]
    assert progress.events.count() == 1
