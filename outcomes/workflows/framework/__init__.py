"""The outcomes framework as data: read from YAML or xlsx, validated, imported, exported.

The framework (partnership, partners, tiers, areas, priorities, indicators and their target
trajectories) is declared here once, as ``TABLES``: each table's columns, types and allowed
values. That one declaration drives validation, the DuckDB import, the xlsx export and the xlsx
import, so a workbook exported and imported back comes back identical.

The YAML file nests indicators under their priority because that is how an administrator reads
the plan; everything else works on the flat tables.

Its modules: ``tables`` (the declaration, ``Framework`` and ``FrameworkError``), ``checking``
(coercion and validation), ``formats`` (YAML and xlsx in and out) and ``database`` (import into
DuckDB, read back).
"""

from outcomes.storage.store import insert_frame
from outcomes.workflows.framework.checking import coerce_table, frequency_of, validate
from outcomes.workflows.framework.database import import_framework, imported_words, read_framework
from outcomes.workflows.framework.formats import (
    from_nested,
    from_xlsx,
    from_yaml,
    read_file,
    to_nested,
    to_xlsx,
    to_yaml,
)
from outcomes.workflows.framework.tables import (
    AGGREGATES,
    FREQUENCIES,
    IMPORT_ORDER,
    LEVELS,
    OPTIONAL_SHEETS,
    REPLACED_WHOLE,
    SPC_EVENTS,
    SPC_PROFILES,
    STATUS_METHODS,
    TABLES,
    UNITS,
    Column,
    Framework,
    FrameworkError,
    Table,
    fault,
)

__all__ = [
    "AGGREGATES",
    "FREQUENCIES",
    "IMPORT_ORDER",
    "LEVELS",
    "OPTIONAL_SHEETS",
    "REPLACED_WHOLE",
    "SPC_EVENTS",
    "SPC_PROFILES",
    "STATUS_METHODS",
    "TABLES",
    "UNITS",
    "Column",
    "Framework",
    "FrameworkError",
    "fault",
    "Table",
    "coerce_table",
    "frequency_of",
    "from_nested",
    "from_xlsx",
    "from_yaml",
    "import_framework",
    "imported_words",
    "insert_frame",
    "read_file",
    "read_framework",
    "to_nested",
    "to_xlsx",
    "to_yaml",
    "validate",
]
