"""DataFrames of goal plans: ``GoalPlan`` gets ``to_arrow``, ``to_pandas``,
``to_polars`` and ``to_dict`` here, from its native ``_table`` (nps-core
``GoalPlan::to_table``: ``month``, ``planned``, ``actual``, ``low``, ``high``,
``n``, ``status``; None for a month without responses) through the one
converter of ``nps._table``. No domain logic lives here.
"""

from __future__ import annotations

from nps import _table
from nps._nps import GoalPlan

for _name, _method in _table.frame_methods(lambda self: self._table(), "plan, one row per month,").items():
    setattr(GoalPlan, _name, _method)
