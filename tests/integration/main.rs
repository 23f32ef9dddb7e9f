//! Integration tests of nps-core: the golden vectors (shared with the C and
//! Python suites), property tests and the real survey files.

mod bad_input;
mod calendar_props;
mod cases;
mod change;
mod defaults;
mod econ;
mod flow;
mod fuzz_regressions;
mod goal;
mod golden;
mod group_merge;
mod groups;
mod heat;
mod hostile;
mod integrity;
mod kpi;
mod kpi_real_data;
mod loyalty;
mod policy;
mod properties;
mod real_data;
mod workshop;
