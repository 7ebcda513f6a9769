//! Relay cursor connections over the store's keyset pages.

use async_graphql::{
    connection::{Connection, Edge, EmptyFields},
    Context, Object, OutputType,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use futures::future::BoxFuture;

use crate::{
    config::GraphqlLimits,
    error::AppError,
    store::{
        read::{self, Filter, ListKind, ListQuery, Position, SortKey},
        records::NodeRecord,
        Db,
    },
};

/// Relay's paging arguments, as received.
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// The fields every list adds to its connection.
pub struct ListExtra {
    db: Db,
    query: ListQuery,
}

#[Object]
impl ListExtra {
    /// How many items match the filters, across all pages. Computed only when asked for.
    async fn total_count(&self) -> Result<i32, AppError> {
        // GraphQL's `Int` is 32-bit; a list longer than that is far beyond this service's scale, and
        // saturating says "at least this many" rather than wrapping to a wrong number.
        let n = read::count(&self.db, &self.query).await?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}

pub type ListConnection<T> = Connection<String, T, ListExtra, EmptyFields>;

fn encode(p: &Position) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(p).expect("position serializes"))
}

fn decode(cursor: &str, field: &str) -> Result<Position, AppError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            AppError::bad_input(field, "not a cursor of this list (use an edge's `cursor`)")
        })
}

/// Runs a list query for one page and wraps it as a Relay connection. Boxed: every list resolver
/// awaits it, and an unboxed future would make the query root's stack frame hundreds of KB in debug builds.
#[allow(clippy::too_many_arguments)]
pub fn paginate<'a, T: OutputType + Send + 'a>(
    ctx: &'a Context<'_>,
    db: &'a Db,
    kind: ListKind,
    filters: Vec<Filter>,
    sort: SortKey,
    descending: bool,
    args: PageArgs,
    pick: fn(NodeRecord) -> Option<T>,
) -> BoxFuture<'a, Result<ListConnection<T>, AppError>> {
    Box::pin(paginate_inner(
        ctx, db, kind, filters, sort, descending, args, pick,
    ))
}

#[allow(clippy::too_many_arguments)]
async fn paginate_inner<T: OutputType>(
    ctx: &Context<'_>,
    db: &Db,
    kind: ListKind,
    filters: Vec<Filter>,
    sort: SortKey,
    descending: bool,
    args: PageArgs,
    pick: fn(NodeRecord) -> Option<T>,
) -> Result<ListConnection<T>, AppError> {
    let limits = ctx.data_unchecked::<GraphqlLimits>();
    if args.first.is_some() && args.last.is_some() {
        return Err(AppError::bad_input(
            "last",
            "give either `first` or `last`, not both",
        ));
    }
    let check = |n: i32, field: &str| {
        if n < 0 || n as usize > limits.max_page_size {
            Err(AppError::bad_input(
                field,
                format!("must be between 0 and {}", limits.max_page_size),
            ))
        } else {
            Ok(n as usize)
        }
    };
    let (limit, from_end) = match (args.first, args.last) {
        (_, Some(last)) => (check(last, "last")?, true),
        (Some(first), None) => (check(first, "first")?, false),
        (None, None) => (limits.default_page_size, false),
    };
    let after = args
        .after
        .as_deref()
        .map(|c| decode(c, "after"))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode(c, "before"))
        .transpose()?;
    let query = ListQuery {
        kind,
        filters,
        sort,
        descending,
        after,
        before,
        limit,
        from_end,
    };
    // `totalCount` alone is one count statement: the page is not fetched when nothing asks for it.
    let page = if limit == 0 || !super::plan::wants_page(ctx) {
        read::Page {
            items: vec![],
            has_more: false,
        }
    } else {
        read::list(db, &query).await?
    };

    let (has_previous, has_next) = if from_end {
        (page.has_more, query.before.is_some())
    } else {
        (query.after.is_some(), page.has_more)
    };
    let mut connection = Connection::with_additional_fields(
        has_previous,
        has_next,
        ListExtra {
            db: db.clone(),
            query,
        },
    );
    super::plan::prefetch_connection(ctx, page.items.iter().map(|(_, n)| n.clone()).collect())
        .await?;
    for (position, node) in page.items {
        if let Some(item) = pick(node) {
            connection.edges.push(Edge::new(encode(&position), item));
        }
    }
    Ok(connection)
}
