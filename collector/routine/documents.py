"""The report and the export as files: what `report`, `export` and the desk all hand HR.

Both apply the same rules (groups under the minimum held back or merged, no names, free
text only where consent and group size allow); both carry the delete-by date of the first
record they draw on, so nothing outlives its own record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from ..formats.keyfile import HRKey
from ..model.loading import Catalog
from ..store import Store
from ..words import Language
from . import analysis

if TYPE_CHECKING:
    from ..render.charts import Drawer

ExportFormat = Literal["csv", "xlsx"]
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Document:
    kind: Literal["report", "export"]
    suffix: str
    data: bytes
    delete_by: str | None
    count: int
    """Responses in the report, rows in the export."""
    min_group: int
    statistics_only: int = 0
    """Statistics-only answers, which are never a row of the export."""

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.suffix.lstrip(".")]


def report(
    store: Store,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    *,
    language: Language,
    min_group: int | None,
    now: datetime,
    draw: Drawer | None = None,
) -> Document:
    """The report; `draw` draws its charts (a charts.Painter's, started early), else here."""
    from ..render import report as report_page
    from ..render.charts import draw_here

    group = min_group or catalog.employer.analysis.min_group
    with store.snapshot():  # the declines and the responses of one moment
        stored = analysis.load_streamed(store, hr_keys, catalog)  # each record once, as read
        built = analysis.build(
            stored.opened,
            catalog=catalog,
            language=language,
            min_group=group,
            hr_declines=stored.hr_declines,
        )
    html = report_page.render(
        built, employer=catalog.employer.name, generated=now, draw=draw or draw_here
    )
    return Document(
        "report", ".html", html.encode("utf-8"), stored.delete_by(), built.responses, group
    )


def export(
    store: Store,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    *,
    fmt: ExportFormat,
    language: Language,
    min_group: int | None,
) -> Document:
    from ..render import export as export_file

    group = min_group or catalog.employer.analysis.min_group
    with store.snapshot():
        stored = analysis.load_streamed(store, hr_keys, catalog)  # each record once, as read
        header, rows, anonymous = export_file.table(
            stored.opened, catalog=catalog, language=language, min_group=group
        )
    if fmt == "xlsx":
        data = export_file.to_xlsx(header, rows, language=language, min_group=group)
    else:
        data = export_file.to_csv(header, rows)
    return Document("export", f".{fmt}", data, stored.delete_by(), len(rows), group, anonymous)
