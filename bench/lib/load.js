// Loads a generated collection into Neo4j in casegraph's own graph shape (docs/model.md, the statements
// of src/store/write.rs): every node carries `Node` and its kind's label, `id`, `collection` and
// `createdAt`; fuzzy dates are split into `date*` / `published*` properties with Neo4j dates; places
// carry WGS-84 points; the relations an analyst draws carry casegraph's relation id (`TYPE:from->to`,
// what claims about a relation point at). Batched UNWIND over Bolt into an empty database (CREATE, not MERGE: this is a
// throw-away database, and the ids are unique by construction).

import { readFileSync } from "node:fs";
import neo4j from "neo4j-driver";
import { BLOCK, COLLECTION, block, blockCount } from "./generate.js";

/** The statements of schema/constraints.cypher, split as src/store/migrations.rs does. */
export function constraintStatements(repo) {
  const text = readFileSync(`${repo}/schema/constraints.cypher`, "utf8");
  const out = [];
  let current = "";
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t || t.startsWith("//")) continue;
    current += t + " ";
    if (t.endsWith(";")) {
      out.push(current.trim().replace(/;$/, ""));
      current = "";
    }
  }
  return out;
}

const NODE = (label, set) =>
  `UNWIND $rows AS row CREATE (n:Node:${label} {id: row.id}) ` +
  `SET n.collection = $collection, n.createdAt = datetime(), ${set}`;

const DATE_SET = (prefix, field) =>
  `n.${prefix}Edtf = row.${field}.edtf, n.${prefix}Earliest = date(row.${field}.earliest), ` +
  `n.${prefix}Latest = date(row.${field}.latest), n.${prefix}Precision = row.${field}.precision, ` +
  `n.${prefix}Approximate = row.${field}.approximate, n.${prefix}Uncertain = row.${field}.uncertain, ` +
  `n.${prefix}Inferred = false`;

const ALIASES = "CASE WHEN size(row.aliases) = 0 THEN null ELSE row.aliases END";

const S = {
  collection: `CREATE (n:Node:Collection {id: $collection}) SET n.collection = $collection,
    n.createdAt = datetime(), n.name = $name, n.description = $description`,
  term: NODE("Term", "n.vocabulary = row.vocabulary, n.key = row.key, n.label = row.label, n.description = row.description"),
  // No aliases: no property, as casegraph writes it (an empty list cannot be written by its offline load).
  place: NODE("Place", `n.kind = row.kind, n.name = row.name, n.aliases = ${ALIASES},
    n.description = row.description, n.precision = row.precision,
    n.location = CASE WHEN row.lat IS NULL THEN null ELSE point({latitude: row.lat, longitude: row.lon}) END`),
  within: `UNWIND $rows AS row MATCH (a:Node {id: row.id}) MATCH (b:Node {id: row.within})
    CREATE (a)-[:WITHIN {id: 'WITHIN:' + a.id + '->' + b.id}]->(b)`,
  actor: NODE("Actor", `n.kind = row.kind, n.name = row.name, n.aliases = ${ALIASES}, n.description = row.description`),
  source: NODE("Source", `n.kind = row.kind, n.title = row.title, n.url = row.url, n.language = row.language, ${DATE_SET("published", "published")}`),
  publisher: `UNWIND $rows AS row MATCH (s:Node {id: row.id}) MATCH (a:Node {id: row.publisher})
    CREATE (s)-[:PUBLISHED_BY {id: 'PUBLISHED_BY:' + s.id + '->' + a.id}]->(a)`,
  event: NODE("Event", `n.type = row.type, n.title = row.title, n.description = row.description, ${DATE_SET("date", "date")}
    WITH n, row MATCH (p:Node {id: row.place}) CREATE (n)-[:AT {id: 'AT:' + n.id + '->' + p.id}]->(p)`),
  participation: NODE("Participation", `n.role = row.role
    WITH n, row MATCH (e:Node {id: row.event}) MATCH (a:Node {id: row.actor})
    CREATE (a)-[:PARTICIPATES_AS]->(n)-[:IN_EVENT]->(e)`),
  count: NODE("Count", `n.subject = row.subject, n.value = row.value, n.qualifier = row.qualifier,
    n.lower = row.lower, n.upper = row.upper, n.unit = row.unit, n.wording = row.wording
    WITH n, row MATCH (e:Node {id: row.event}) CREATE (n)-[:COUNT_OF]->(e)`),
  claim: NODE("Claim", `n.excerpt = row.excerpt, n.status = row.status
    WITH n, row MATCH (x:Node {id: row.about}) MATCH (s:Node {id: row.source})
    CREATE (n)-[:ABOUT]->(x), (n)-[:CITES]->(s)`),
};

const termId = (t) => `${COLLECTION}:term:${t.vocabulary.toLowerCase()}:${t.key}`;

async function write(driver, text, rows, chunk = 5000) {
  for (let i = 0; i < rows.length; i += chunk) {
    const session = driver.session();
    try {
      await session.executeWrite((tx) => tx.run(text, { rows: rows.slice(i, i + chunk), collection: COLLECTION }));
    } finally {
      await session.close();
    }
  }
}

const claimRows = (facts) => facts.flatMap((f) => f.claims.map((c) => ({ ...c, about: f.id })));

/** Applies the schema and loads everything; `progress(doneEvents)` is called after each block. */
export async function load(driver, repo, baseData, seed, progress = () => {}) {
  for (const statement of constraintStatements(repo)) {
    const session = driver.session();
    try { await session.run(statement); } finally { await session.close(); }
  }
  {
    const session = driver.session();
    try { await session.run("CALL db.awaitIndexes(300)"); } finally { await session.close(); }
  }
  {
    const session = driver.session();
    try {
      await session.executeWrite((tx) => tx.run(S.collection, {
        collection: COLLECTION, name: "Benchmark collection", description: "Generated by bench/ (seeded).",
      }));
    } finally { await session.close(); }
  }
  const { terms, places, actors, sources, sz } = baseData;
  await write(driver, S.term, terms.map((t) => ({ ...t, id: termId(t) })));
  await write(driver, S.place, places);
  await write(driver, S.within, places.filter((p) => p.within));
  await write(driver, S.actor, actors);
  await write(driver, S.source, sources);
  await write(driver, S.publisher, sources.filter((s) => s.publisher));
  for (let b = 0; b < blockCount(sz.events); b++) {
    const { events, participations, counts } = block(baseData, b, seed);
    await write(driver, S.event, events);
    await write(driver, S.participation, participations);
    // JavaScript numbers reach Neo4j as floats; casegraph stores figures as integers.
    const int = (x) => (x === null ? null : neo4j.int(x));
    await write(driver, S.count, counts.map((c) => ({ ...c, value: int(c.value), lower: int(c.lower), upper: int(c.upper) })));
    await write(driver, S.claim, [...claimRows(events), ...claimRows(participations), ...claimRows(counts)]);
    progress(Math.min(sz.events, (b + 1) * BLOCK));
  }
}

export { termId };
