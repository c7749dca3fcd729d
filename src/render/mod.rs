//! Renderers: one file per output format. Spans become lines and columns only here.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
