"""DataFrames of recovery-programme tables: ``RecoveryStatsTable`` gets
``to_arrow``, ``to_pandas``, ``to_polars`` and ``to_dict`` here, from its
native ``_table`` (nps-core ``RecoveryStatsTable::to_table``: ``dealer``, the
key columns, ``period`` as the local first day, six counts, five rates with
None for "no data") through the one converter of ``nps._table``. No domain
logic lives here.
"""

from __future__ import annotations

from nps import _table
from nps._nps import RecoveryStatsTable

for _name, _method in _table.frame_methods(lambda self: self._table(), "table, one row per group,").items():
    setattr(RecoveryStatsTable, _name, _method)
