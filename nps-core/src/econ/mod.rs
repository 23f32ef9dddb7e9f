//! Service economics and strategic position: the service P&L per unit and
//! period ([`ledger`]), the lifecycle service cost of each product line
//! ([`lifecycle_cost`]) and the strategic value matrix ([`quadrant`],
//! [`quadrants`]).
//!
//! After-sales seen as a business, not a cost: revenue and cost lines in
//! integer money by category (policy data, [`default_categories`]), their
//! profit or loss, margin, input–output ratio (revenue / cost), cost to
//! revenue, revenue mix against targets and revenue per engineer; the mean
//! cumulative service cost per unit by months in service, correct for units
//! observed for different lengths of time, with the cost at 3 and 5 years
//! where the data reach and its share of the manufacturing cost; and the
//! two-axis matrix (customer value × business value) with the four
//! quadrants `growth_engine`, `value_island`, `cost_ruin` and
//! `profit_extractor` and the source article's challenge and action for
//! each ([`default_texts`]).
//!
//! Every ratio with a zero denominator is "no data" (`None`), never 0 or
//! NaN; a unit missing a measure has no quadrant, never a default one.
//!
//! ```
//! use nps_core::econ::{quadrant, MatrixOptions, Quadrant};
//! let o = MatrixOptions::default();
//! let q = quadrant(0.62, 0.30, &o)?; // loved by customers, losing money
//! assert_eq!(q, Quadrant::ValueIsland);
//! assert_eq!(o.text(q).label_zh, "价值孤岛");
//! # Ok::<(), nps_core::Error>(())
//! ```

mod ledger;
mod lifecycle;
mod matrix;

pub use ledger::{
    default_categories, ledger, Ledger, LedgerGroup, LedgerOptions, LineCategory, Lines, Side,
};
pub use lifecycle::{
    lifecycle_cost, AgePoint, CostEvents, Fleet, LifecycleCost, LifecycleOptions, LineCurve,
};
pub use matrix::{
    default_texts, known_measure, known_measures, quadrant, quadrants, Axis, MatrixOptions,
    MeasureColumn, MeasureSpec, Quadrant, QuadrantRow, QuadrantTable, QuadrantText,
};
