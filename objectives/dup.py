"""The national DUP taxonomy (missioni and programmi of D.Lgs. 118/2011)."""

import csv
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

DUP_CSV = Path(settings.BASE_DIR) / "fixtures" / "dup_missioni_programmi.csv"
REGIONS_ONLY_MARK = "(solo per le Regioni)"


def read_dup_csv(path: Path = DUP_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sync_dup_taxonomy(rows: Iterable[dict[str, str]], *, missione_model, programma_model) -> int:
    """Create or update every mission and programme of the rows; return how many changed.

    The models are parameters so that a data migration can pass its historical models.
    """
    changed = 0
    missioni = {m.code: m for m in missione_model.objects.all()}
    programmi = {p.code: p for p in programma_model.objects.all()}
    for row in rows:
        m_code, m_name = row["missione_code"].strip(), row["missione_name"].strip()
        missione = missioni.get(m_code)
        if missione is None:
            missione = missioni[m_code] = missione_model.objects.create(code=m_code, name=m_name)
            changed += 1
        elif missione.name != m_name:
            missione.name = m_name
            missione.save(update_fields=["name"])
            changed += 1
        p_code, p_name = row["programma_code"].strip(), row["programma_name"].strip()
        regions_only = REGIONS_ONLY_MARK in p_name
        programma = programmi.get(p_code)
        wanted = {"missione_id": missione.pk, "name": p_name, "regions_only": regions_only}
        if programma is None:
            programma_model.objects.create(code=p_code, **wanted)
            changed += 1
        elif any(getattr(programma, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(programma, key, value)
            programma.save()
            changed += 1
    return changed
