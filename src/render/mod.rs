//! Renderers: one file per output format. Spans become lines and columns only here.

pub mod human;
