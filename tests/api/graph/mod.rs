//! The investigators' questions, asked of the seed dataset; lists, filters, pagination, Relay nodes,
//! and the round-trip budget of nested queries.

mod lists;
mod nested_pages;
mod questions;
mod region_pages;
mod relation_pages;
mod round_trips;

use serde_json::Value;

pub(super) fn titles(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_string())
        .collect()
}

pub(super) fn ids(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}
