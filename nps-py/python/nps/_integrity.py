"""DataFrames of the integrity tables: ``ManagedFlags`` and ``ReratingTable``
get ``to_arrow``, ``to_pandas``, ``to_polars`` and ``to_dict`` here, from
their native ``_table`` (nps-core ``ManagedFlags::to_table`` /
``ReratingTable::to_table``) through the one converter of ``nps._table``.
Key columns are named after the columns grouped by when known. No domain
logic lives here.
"""

from __future__ import annotations

from nps import _table
from nps._nps import ManagedFlags, ReratingTable

for _cls, _what in (
    (ManagedFlags, "flags, one row per group and test,"),
    (ReratingTable, "table, one row per group,"),
):
    for _name, _method in _table.frame_methods(lambda self: self._table(), _what).items():
        setattr(_cls, _name, _method)
