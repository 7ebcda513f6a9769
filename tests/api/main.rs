//! Integration tests: the real router against the real Neo4j that `scripts/test` starts.
//! One binary, so the build links once; each module is an area of the API.

mod helpers;

mod bench;
mod fuzz;
mod graph;
mod graph_bounds;
mod graph_figures;
mod graph_questions;
mod http;
mod http_conformance;
mod import;
mod import_interrupted;
mod import_plans;
mod limits;
mod mutation_plans;
mod mutations;
mod offline_import;
mod plans;
mod reads;
mod ready;
mod region_check;
mod regions;
mod relation_evidence;
mod run_script;
mod sdl;
mod search;
mod timeouts;
