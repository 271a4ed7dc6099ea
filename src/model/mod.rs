/*!
The data model: every type two stages hand each other — periods and grains, KPI
definitions, the tidy dataset that ingestion produces and analysis consumes, input
and layout descriptions, and findings. It imports nothing else of the crate, so every
stage can depend on it and it on none of them.
*/
pub mod dataset;
pub mod finding;
pub mod kpi;
pub mod period;
pub mod previous;
pub mod series;
pub mod units;
