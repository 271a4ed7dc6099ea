/*!
The data model shared by every stage: periods and grains, KPI definitions, and the
tidy observation table that ingestion produces and analysis consumes.
*/
pub mod kpi;
pub mod period;
pub mod series;
pub mod units;
