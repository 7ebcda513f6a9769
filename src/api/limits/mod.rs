//! Limits on every dimension of a request, checked before async-graphql parses, validates or runs
//! anything.
//!
//! The parser, the validator and value coercion of async-graphql all recurse over the document, and
//! a deep enough list literal in an argument overflowed the worker's stack and aborted the whole
//! process. So the order matters:
//! 1. sizes that cost nothing to check: batch length, document bytes, nesting of JSON variables;
//! 2. [`scan`]: one pass over the text with counters (tokens, value nesting, selection nesting);
//! 3. only then the parser, and [`walk`] over its tree: depth, fragments, aliases, directives,
//!    root fields and complexity (fields × page sizes, `__typename` included).
//!
//! A refused request gets one error with its own code and a message naming the limit and the
//! variable that sets it.

mod scan;
mod shape;
mod walk;

use std::sync::{Arc, OnceLock};

use async_graphql::{
    parser::types::{ExecutableDocument, OperationType},
    BatchRequest, Request, Value as ConstValue,
};

use super::documents::Documents;
use crate::{config::GraphqlLimits, error::codes};

pub use shape::Shapes;

/// Why a request was refused: a stable code and a message for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    fn new(code: &'static str, message: String) -> Self {
        Refusal { code, message }
    }
}

/// The field shapes of our schema, read once from its SDL.
fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| Shapes::from_sdl(&crate::api::sdl()))
}

/// Checks every request of a batch; the first refusal refuses the whole batch. Accepted documents
/// are handed to async-graphql already parsed, so they are parsed once, and not at all when
/// `documents` holds the parse of the same text.
pub fn check_batch(
    batch: &mut BatchRequest,
    limits: &GraphqlLimits,
    documents: Option<&Documents>,
) -> Result<(), Refusal> {
    match batch {
        BatchRequest::Single(request) => check_cached(request, limits, documents),
        BatchRequest::Batch(requests) => {
            if requests.len() > limits.max_batch_size {
                return Err(Refusal::new(
                    codes::BATCH_TOO_LARGE,
                    format!(
                        "the batch holds {} requests, more than the limit of {} \
                         (CASEGRAPH_MAX_BATCH_SIZE)",
                        requests.len(),
                        limits.max_batch_size
                    ),
                ));
            }
            for (i, request) in requests.iter_mut().enumerate() {
                check_cached(request, limits, documents).map_err(|r| Refusal {
                    message: format!("request {i} of the batch: {}", r.message),
                    ..r
                })?;
            }
            Ok(())
        }
    }
}

/// Checks one request against every limit; see the module documentation for the order.
pub fn check(request: &mut Request, limits: &GraphqlLimits) -> Result<(), Refusal> {
    check_cached(request, limits, None)
}

/// [`check`], taking the parse of a text seen before from `documents` (it passed the scan, which
/// depends on the text alone) and keeping new ones there. The walk, which reads the variables, runs
/// on every request.
pub fn check_cached(
    request: &mut Request,
    limits: &GraphqlLimits,
    documents: Option<&Documents>,
) -> Result<(), Refusal> {
    let bytes = request.query.len();
    if bytes > limits.max_document_bytes {
        return Err(Refusal::new(
            codes::DOCUMENT_TOO_LARGE,
            format!(
                "the document is {bytes} bytes, more than the limit of {} \
                 (CASEGRAPH_MAX_DOCUMENT_BYTES)",
                limits.max_document_bytes
            ),
        ));
    }
    let deepest = request
        .variables
        .values()
        .map(value_depth)
        .max()
        .unwrap_or(0);
    if deepest > limits.max_value_depth {
        return Err(value_too_deep("a variable", limits));
    }

    let doc = match documents.and_then(|d| d.parsed(&request.query)) {
        Some(doc) => doc,
        None => match scan_and_parse(&request.query, limits)? {
            Some(doc) => {
                let doc = Arc::new(doc);
                if let Some(d) = documents {
                    d.keep_parsed(&request.query, doc.clone());
                }
                doc
            }
            None => return Ok(()),
        },
    };
    let walk_limits = walk::WalkLimits {
        depth: limits.max_depth,
        aliases: limits.max_aliases,
        directives: limits.max_directives,
        default_page: limits.default_page_size as u64,
        max_page: limits.max_page_size as u64,
    };
    let mut walk = walk::Walk::new(&doc, shapes(), walk_limits, &request.variables);
    for (_, op) in doc.operations.iter() {
        let root = match op.node.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        let m = walk
            .operation(&op.node, root)
            .map_err(|over| over_limit(over, limits))?;
        if m.fields > limits.max_root_fields as u64 {
            return Err(Refusal::new(
                codes::TOO_MANY_ROOT_FIELDS,
                format!(
                    "the operation asks for {} root fields, more than the limit of {} \
                     (CASEGRAPH_MAX_ROOT_FIELDS)",
                    m.fields, limits.max_root_fields
                ),
            ));
        }
        if m.complexity > limits.max_complexity as u64 {
            return Err(Refusal::new(
                codes::QUERY_TOO_COMPLEX,
                format!(
                    "the query is too complex: it may return about {} fields (each list counted \
                     by its page size, `first`/`last` or {} by default), more than the limit of {} \
                     (CASEGRAPH_MAX_COMPLEXITY); ask for smaller pages or fewer fields",
                    m.complexity, limits.default_page_size, limits.max_complexity
                ),
            ));
        }
    }
    // async-graphql consumes the document it executes: it gets a copy of the kept one.
    request.set_parsed_query(ExecutableDocument::clone(&doc));
    Ok(())
}

/// Steps 2 and 3 of the module documentation up to the parse: `None` when the document does not
/// parse, which is left to async-graphql, which reports where and why; with its nesting bounded,
/// parsing it again there is safe.
fn scan_and_parse(
    query: &str,
    limits: &GraphqlLimits,
) -> Result<Option<ExecutableDocument>, Refusal> {
    let scanned = scan::scan(
        query,
        scan::ScanLimits {
            tokens: limits.max_tokens,
            value_depth: limits.max_value_depth,
            // Inline fragments add braces but no field depth; the walk measures fields exactly.
            selection_depth: 2 * limits.max_depth + 1,
        },
    );
    match scanned {
        Ok(_) => {}
        Err(scan::Exceeded::Tokens) => {
            return Err(Refusal::new(
                codes::TOO_MANY_TOKENS,
                format!(
                    "the document has more than {} tokens (CASEGRAPH_MAX_TOKENS)",
                    limits.max_tokens
                ),
            ))
        }
        Err(scan::Exceeded::ValueDepth) => return Err(value_too_deep("a value", limits)),
        Err(scan::Exceeded::SelectionDepth) => return Err(too_deep("fields", limits)),
    }

    Ok(async_graphql::parser::parse_query(query).ok())
}

fn over_limit(over: walk::Over, limits: &GraphqlLimits) -> Refusal {
    match over {
        walk::Over::Depth => too_deep("fields", limits),
        walk::Over::FragmentDepth => too_deep("fragments", limits),
        walk::Over::Aliases(n) => Refusal::new(
            codes::TOO_MANY_ALIASES,
            format!(
                "the document uses more than {} aliases (found {n} so far; CASEGRAPH_MAX_ALIASES)",
                limits.max_aliases
            ),
        ),
        walk::Over::Directives { field, count } => Refusal::new(
            codes::TOO_MANY_DIRECTIVES,
            format!(
                "{field} has {count} directives, more than the limit of {} \
                 (CASEGRAPH_MAX_DIRECTIVES)",
                limits.max_directives
            ),
        ),
    }
}

fn too_deep(what: &str, limits: &GraphqlLimits) -> Refusal {
    Refusal::new(
        codes::SELECTION_TOO_DEEP,
        format!(
            "the query is nested too deep: more than {} levels of {what} (CASEGRAPH_MAX_DEPTH)",
            limits.max_depth
        ),
    )
}

fn value_too_deep(what: &str, limits: &GraphqlLimits) -> Refusal {
    Refusal::new(
        codes::VALUE_NESTING_TOO_DEEP,
        format!(
            "{what} nests lists or objects more than {} levels deep (CASEGRAPH_MAX_VALUE_DEPTH)",
            limits.max_value_depth
        ),
    )
}

/// How deeply a JSON variable nests lists and objects (a scalar is 0), without recursion: serde_json
/// stops at 128 levels, which is still deeper than coercion should see.
fn value_depth(value: &ConstValue) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        match v {
            ConstValue::List(items) => {
                deepest = deepest.max(depth + 1);
                stack.extend(items.iter().map(|i| (i, depth + 1)));
            }
            ConstValue::Object(fields) => {
                deepest = deepest.max(depth + 1);
                stack.extend(fields.values().map(|i| (i, depth + 1)));
            }
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests;
