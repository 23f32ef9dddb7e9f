"""DataFrames of staffing profiles: ``StaffingTable.to_pandas`` /
``to_polars`` / ``to_arrow`` / ``to_dict`` (nps-core ``staffing``).

>>> t = nps.staffing([1_748_854_800], service_time=600)  # Monday 2025-06-02 09:00 UTC
>>> df = t.to_pandas()
>>> df.loc[df["hour"] == 9, ["weekday", "arrivals", "servers"]].values.tolist()
[['mon', 1, 1]]
"""

from __future__ import annotations

from nps import _table
from nps._nps import StaffingTable

for _name, _method in _table.frame_methods(lambda self: self._table(), "staffing profile").items():
    setattr(StaffingTable, _name, _method)
