// casegraph: Neo4j constraints and indexes.
//
// Applied at every start-up and in test set-up: each statement is idempotent (IF NOT EXISTS), so
// re-running them changes nothing. Every name starts with `cg_`: /ready counts them to tell that the
// migrations are in place. Statements end with a semicolon at the end of a line.

// Every node carries the label `Node` and a global id: one uniqueness constraint gives `node(id:)`,
// upserts by caller-supplied id and every anchored lookup an index, whatever the node's kind.
CREATE CONSTRAINT cg_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE;

// Collection scoping: list queries start from "all nodes of a kind in these collections".
CREATE INDEX cg_node_collection IF NOT EXISTS FOR (n:Node) ON (n.collection);
CREATE INDEX cg_event_collection IF NOT EXISTS FOR (n:Event) ON (n.collection);
CREATE INDEX cg_actor_collection IF NOT EXISTS FOR (n:Actor) ON (n.collection);
CREATE INDEX cg_place_collection IF NOT EXISTS FOR (n:Place) ON (n.collection);
CREATE INDEX cg_source_collection IF NOT EXISTS FOR (n:Source) ON (n.collection);
CREATE INDEX cg_claim_collection IF NOT EXISTS FOR (n:Claim) ON (n.collection);

// A taxonomy term is identified by its key within a vocabulary and a collection.
CREATE CONSTRAINT cg_term_key IF NOT EXISTS FOR (t:Term) REQUIRE (t.collection, t.vocabulary, t.key) IS UNIQUE;

// Event filters and sorting: by type, and by the bounds of the fuzzy date (time filters mean overlap).
CREATE INDEX cg_event_type IF NOT EXISTS FOR (e:Event) ON (e.type);
CREATE INDEX cg_event_date_earliest IF NOT EXISTS FOR (e:Event) ON (e.dateEarliest);
CREATE INDEX cg_event_date_latest IF NOT EXISTS FOR (e:Event) ON (e.dateLatest);

// Sorting actors, places and sources by name or title.
CREATE INDEX cg_actor_name IF NOT EXISTS FOR (a:Actor) ON (a.name);
CREATE INDEX cg_place_name IF NOT EXISTS FOR (p:Place) ON (p.name);
CREATE INDEX cg_source_title IF NOT EXISTS FOR (s:Source) ON (s.title);

// Provenance filters ("only what is confirmed") look claims up by status.
CREATE INDEX cg_claim_status IF NOT EXISTS FOR (c:Claim) ON (c.status);

// Claims about a relation (Neo4j cannot point a relationship at a relationship) hold the relation's
// stored id; a relation's evidence is read by a seek on it.
CREATE INDEX cg_claim_about_relation IF NOT EXISTS FOR (c:Claim) ON (c.aboutRelation);

// Participations are filtered by role.
CREATE INDEX cg_participation_role IF NOT EXISTS FOR (p:Participation) ON (p.role);

// Geographic search over places with known coordinates.
CREATE POINT INDEX cg_place_location IF NOT EXISTS FOR (p:Place) ON (p.location);

// No full-text index yet. One (`cg_fulltext`) was created here while nothing read it: every write of
// an event, actor, place or source paid to maintain it, and the search it was meant for will choose
// its own analyzer and fields (aliases, labels, excerpts), which a Neo4j full-text index cannot change
// after creation. The search issue creates the index it uses; this drops the unused one.
DROP INDEX cg_fulltext IF EXISTS;

// Sort keys (src/store/records.rs, SORT_KEYS): every list is ordered by one of these properties, so a
// page is read from the index in order instead of sorting the whole label.
CREATE INDEX cg_event_sort_date IF NOT EXISTS FOR (n:Event) ON (n.sortDate);
// A region's events by date were read one class of date spans at a time from this node index; they
// are read from the events' region relationships now (cg_event_region), which copy the span class.
// Nothing reads it, and every event write and the offline load's index population paid for it.
DROP INDEX cg_event_span_date IF EXISTS;
CREATE INDEX cg_event_sort_title IF NOT EXISTS FOR (n:Event) ON (n.sortTitle);
CREATE INDEX cg_actor_sort_name IF NOT EXISTS FOR (n:Actor) ON (n.sortName);
CREATE INDEX cg_place_sort_name IF NOT EXISTS FOR (n:Place) ON (n.sortName);
CREATE INDEX cg_collection_sort_name IF NOT EXISTS FOR (n:Collection) ON (n.sortName);
CREATE INDEX cg_source_sort_published IF NOT EXISTS FOR (n:Source) ON (n.sortPublished);
CREATE INDEX cg_claim_sort_created IF NOT EXISTS FOR (n:Claim) ON (n.sortCreated);
CREATE INDEX cg_count_sort_figure IF NOT EXISTS FOR (n:Count) ON (n.sortFigure);
CREATE INDEX cg_term_sort IF NOT EXISTS FOR (n:Term) ON (n.sortTerm);
// Search keys (src/store/records.rs, SORT_KEYS and SEARCH_SEPARATOR): the `text` filter of each kind
// that has one is `searchText CONTAINS $word`, which a TEXT index answers by a scan of the matching
// entries (NodeIndexContainsScan) instead of lowercasing every field of every node of the label.
CREATE TEXT INDEX cg_event_search IF NOT EXISTS FOR (n:Event) ON (n.searchText);
CREATE TEXT INDEX cg_actor_search IF NOT EXISTS FOR (n:Actor) ON (n.searchText);
CREATE TEXT INDEX cg_place_search IF NOT EXISTS FOR (n:Place) ON (n.searchText);
CREATE TEXT INDEX cg_source_search IF NOT EXISTS FOR (n:Source) ON (n.searchText);
CREATE TEXT INDEX cg_count_search IF NOT EXISTS FOR (n:Count) ON (n.searchText);
CREATE TEXT INDEX cg_claim_search IF NOT EXISTS FOR (n:Claim) ON (n.searchText);
// Import checkpoints: one node per committed batch of `casegraph import`, written in the batch's own
// transaction and keyed `<file content hash>/<batch size>/<batch number>`, so that a rerun after an
// interruption skips exactly the batches that committed (src/import/bulk.rs). Not a `Node`: not data.
CREATE CONSTRAINT cg_import_batch IF NOT EXISTS FOR (b:ImportBatch) REQUIRE b.key IS UNIQUE;
// Relations of an import that name records later in the file, kept until those are written.
CREATE CONSTRAINT cg_import_pending IF NOT EXISTS FOR (p:ImportPending) REQUIRE p.key IS UNIQUE;
// Nested pages of an actor's and a place's events by date (src/store/read/seek.rs): each index holds
// one anchor's neighbours in order, so a page is a seek up to its LIMIT instead of reading every
// neighbour's key. A participation carries copies of its actor's id and its event's sort key and id,
// an event its place's id (records::PARTICIPATION_KEYS, store/write/keys.rs).
CREATE INDEX cg_participation_actor_events IF NOT EXISTS FOR (n:Participation) ON (n.actorId, n.eventSortDate, n.eventId);
CREATE INDEX cg_event_place_events IF NOT EXISTS FOR (n:Event) ON (n.placeId, n.sortDate, n.id);
// An event's copies of every place it lies within (records::region_keys): a region's events by date
// are read from here, one span class at a time, in index order (src/store/read/region.rs).
CREATE INDEX cg_event_region IF NOT EXISTS FOR ()-[r:IN_REGION]-() ON (r.regionId, r.spanClass, r.sortDate, r.eventId);
// One node, `{key: 'moves'}`, counting the commits that moved places (src/store/write/regions.rs,
// `settle`): a write of events checks its regions again after its commit only if a move committed
// meanwhile.
CREATE CONSTRAINT cg_region_clock IF NOT EXISTS FOR (c:RegionClock) REQUIRE c.key IS UNIQUE;
// The migrations ledger (src/store/migrations.rs, LEDGER): the backfills known to be done, which
// `casegraph migrate` skips (the offline export records those its files make redundant).
CREATE CONSTRAINT cg_applied_migration IF NOT EXISTS FOR (m:AppliedMigration) REQUIRE m.name IS UNIQUE;
