// The graph as data, for comparing what `casegraph import` writes with what load.js writes: every node
// (labels and properties, without the creation time) and every relationship (ends, type, properties).

const value = (v) => {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(value);
  if (typeof v === "object" && "srid" in v) return `point(${v.srid},${v.x},${v.y})`;
  if (typeof v === "object" && typeof v.toString === "function" && v.constructor?.name !== "Object") return `${v.constructor.name}:${v.toString()}`;
  return v;
};

export async function dump(driver) {
  const nodes = new Map();
  const { records } = await driver.executeQuery(
    // The importer's checkpoints (`ImportBatch`, `ImportPending`) are its bookkeeping, not the graph.
    "MATCH (n) WHERE NOT n:ImportBatch AND NOT n:ImportPending \
     RETURN n.id AS id, labels(n) AS labels, properties(n) AS props");
  for (const r of records) {
    const props = Object.fromEntries(Object.entries(r.get("props"))
      // The write time, and the sort key casegraph derives from it, differ between any two writes.
      .filter(([k]) => k !== "createdAt" && k !== "sortCreated").sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, value(v)]));
    nodes.set(r.get("id"), { labels: [...r.get("labels")].sort(), props });
  }
  const rels = new Set();
  const rel = await driver.executeQuery(
    "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props");
  for (const r of rel.records) rels.add(`${r.get("a")} -[${r.get("t")} ${JSON.stringify(r.get("props"))}]-> ${r.get("b")}`);
  return { nodes, rels };
}

/** Up to `limit` human-readable differences between two dumps. */
export function compare(expected, actual, limit = 20) {
  const out = [];
  for (const [id, n] of expected.nodes) {
    const m = actual.nodes.get(id);
    if (!m) out.push(`node ${id} missing from the loader's graph`);
    else if (JSON.stringify(n) !== JSON.stringify(m)) out.push(`node ${id}: import ${JSON.stringify(n)} vs loader ${JSON.stringify(m)}`);
    if (out.length >= limit) return out;
  }
  for (const id of actual.nodes.keys()) if (!expected.nodes.has(id) && out.length < limit) out.push(`node ${id} only in the loader's graph`);
  for (const r of expected.rels) if (!actual.rels.has(r) && out.length < limit) out.push(`relationship missing from the loader's graph: ${r}`);
  for (const r of actual.rels) if (!expected.rels.has(r) && out.length < limit) out.push(`relationship only in the loader's graph: ${r}`);
  return out;
}
