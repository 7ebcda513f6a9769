// The benchmark, end to end, against an empty Neo4j that scripts/bench provides:
// generate -> load (or --import: time `casegraph import`, then check that the loader writes the very
// same graph) -> start casegraph (release build) and the peer -> check that all three answer alike ->
// time them alternately (A, B, C, A, B, C) at each concurrency -> write BENCHMARKS.md.
//
// Two ways to load (--load): `bolt` (default), batched UNWIND over Bolt (bench/lib/load.js, ~540
// events/s here: half an hour at 1M events); `offline`, the data written as a casegraph/v1 file and
// put in with scripts/bulk-load (casegraph export-csv, Neo4j stopped, neo4j-admin import, started again,
// casegraph migrate), minutes at 1M. Both write the same graph: `--import --load offline` checks it.
//
// Environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, CASEGRAPH_BIN, REPO, NEO4J_LOCAL_DIR and
// NEO4J_LOCAL_PORT (the throw-away Neo4j, which the offline load stops and starts; set by scripts/bench).

import { spawn, execFileSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { rmSync } from "node:fs";
import { createInterface } from "node:readline";
import os from "node:os";
import neo4j from "neo4j-driver";
import { base, block, blockCount, sizes, COLLECTION } from "./lib/generate.js";
import { load, constraintStatements } from "./lib/load.js";
import { writeImportFile } from "./lib/importfile.js";
import { mix, parameters, variants } from "./lib/queries.js";
import { askers, verify, slice, summarize, peakRssMiB, resetPeakRss } from "./lib/measure.js";
import { dump, compare } from "./lib/shape.js";
import { writeReport } from "./lib/report.js";

const { values: opt } = parseArgs({
  options: {
    size: { type: "string", default: "10k" },
    seed: { type: "string", default: "42" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "2" },
    concurrency: { type: "string", default: "1,16" },
    out: { type: "string", default: "BENCHMARKS.md" },
    "import-file": { type: "string" },
    import: { type: "boolean", default: false },
    // bolt: bench/lib/load.js over Bolt; offline: a casegraph/v1 file through scripts/bulk-load.
    load: { type: "string", default: "bolt" },
    command: { type: "string", default: "scripts/bench" },
    note: { type: "string" },
    questions: { type: "string" },
    systems: { type: "string", default: "casegraph,peer,floor" },
  },
});
const SIZES = { "1k": 1000, "2k": 2000, "10k": 10000, "100k": 100000, "1m": 1000000 };
const events = SIZES[opt.size.toLowerCase()] ?? Number(opt.size);
if (!Number.isInteger(events) || events < 100) throw new Error(`--size ${opt.size}: use 10k, 100k, 1m or a number >= 100`);
const seed = Number(opt.seed);
// --systems casegraph,floor: leave the peer out (at 1M events its slowest questions take minutes each).
const systems = opt.systems.split(",").map((s) => s.trim()).filter(Boolean);
for (const s of systems) if (!["casegraph", "peer", "floor"].includes(s)) throw new Error(`--systems: no system named ${s}`);
if (!systems.includes("casegraph") || !systems.includes("floor")) throw new Error("--systems: casegraph and the floor are always measured");
const withPeer = systems.includes("peer");
if (!["bolt", "offline"].includes(opt.load)) throw new Error(`--load ${opt.load}: use bolt or offline`);
const offline = opt.load === "offline";
const repo = process.env.REPO;
const log = (m) => console.log(`bench: ${m}`);
const children = [];
const stopChildren = () => children.forEach((c) => c.exitCode === null && c.kill("SIGTERM"));
process.on("exit", stopChildren);
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => { stopChildren(); process.exit(130); });

const freePort = () => new Promise((ok) => {
  const srv = createServer().listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => ok(port)); });
});

async function waitFor(what, probe, seconds = 120) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try { if (await probe()) return; } catch { /* not yet */ }
    if (Date.now() > until) throw new Error(`${what} did not come up within ${seconds}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function start(name, cmd, args, env) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] });
  child.on("exit", (code) => { if (code) log(`${name} exited with ${code}`); });
  children.push(child);
  return child;
}

const connect = () => neo4j.driver(process.env.NEO4J_URI,
  neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD),
  { disableLosslessIntegers: true, maxConnectionPoolSize: 64 });
// Replaced after an offline load: the pooled connections went down with the server it restarted.
let driver = connect();

/** scripts/bulk-load of `file` into the bench's Neo4j (replacing its database); its phases in seconds. */
async function offlineLoad(file) {
  await driver.close();
  const child = spawn(`${repo}/scripts/bulk-load`, [file, "--overwrite"], {
    env: { ...process.env, RUST_LOG: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  let done = null;
  for await (const line of createInterface({ input: child.stdout })) {
    console.log(line);
    done ??= /done: .* in ([\d.]+)s \(export ([\d.]+)s, import ([\d.]+)s, start ([\d.]+)s, migrate ([\d.]+)s\)/.exec(line);
  }
  const code = child.exitCode ?? child.signalCode ?? (await once(child, "exit"))[0];
  if (code !== 0 || !done) throw new Error(`scripts/bulk-load ${file} failed (exit ${code})`);
  driver = connect();
  const [total, exportCsv, importCsv, startNeo4j, migrate] = done.slice(1).map(Number);
  return { total, exportCsv, importCsv, startNeo4j, migrate };
}

const t0 = Date.now();
const baseData = base(events, seed);
const sz = sizes(events);
log(`${events} events, ${sz.actors} actors, ${baseData.places.length} places, ${sz.sources} sources (seed ${seed})`);

const tempImportFile = (opt.import || offline) && !opt["import-file"];
let fileSeconds = null;
if (opt["import-file"] || opt.import || offline) {
  // The offline load reads NDJSON: it is written block by block, each block generated once (the
  // document form regenerates every block for each of its three per-block lists).
  const path = opt["import-file"] ?? `${os.tmpdir()}/casegraph-bench-${events}-${seed}.${offline ? "ndjson" : "json"}`;
  const t = Date.now();
  await writeImportFile(path, baseData, seed, { ndjson: path.endsWith(".ndjson") });
  fileSeconds = (Date.now() - t) / 1000;
  log(`wrote ${path} (casegraph/v1${path.endsWith(".ndjson") ? ", NDJSON" : ""}) in ${fileSeconds.toFixed(1)}s`);
  opt["import-file"] = path;
}

let importResult = null;
let offlineResult = null;
const progress = (label) => (done) => log(`${label}: ${done}/${events} events, ${(done / ((Date.now() - t0) / 1000)).toFixed(0)} events/s`);
if (opt.import && offline) {
  // The Bolt loader's graph first (into the empty database), then the offline load's in its place:
  // the two compared, and the benchmark runs on the offline load's.
  await load(driver, repo, baseData, seed);
  execFileSync(process.env.CASEGRAPH_BIN, ["migrate"], { stdio: "inherit", env: { ...process.env, RUST_LOG: "warn" } });
  const loaded = await dump(driver);
  offlineResult = await offlineLoad(opt["import-file"]);
  const diffs = compare(await dump(driver), loaded);
  importResult = { seconds: offlineResult.total, rate: events / offlineResult.total, shape: diffs, offline: true };
  log(diffs.length ? `the Bolt loader's graph differs from the offline load's:\n  ${diffs.join("\n  ")}`
    : `the offline load writes exactly the Bolt loader's graph (${loaded.nodes.size} nodes, ${loaded.rels.size} relationships)`);
} else if (opt.import) {
  // The importer's time on the same data, then the loader's graph compared with the importer's.
  for (const s of constraintStatements(repo)) await driver.executeQuery(s);
  const t = Date.now();
  execFileSync(process.env.CASEGRAPH_BIN, ["import", opt["import-file"]], {
    stdio: "inherit", env: { ...process.env, RUST_LOG: "warn" } });
  const seconds = (Date.now() - t) / 1000;
  importResult = { seconds, rate: events / seconds };
  log(`casegraph import: ${seconds.toFixed(1)}s (${importResult.rate.toFixed(0)} events/s)`);
  const imported = await dump(driver);
  const session = driver.session(); // IN TRANSACTIONS needs an auto-commit transaction
  try { await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"); } finally { await session.close(); }
  await load(driver, repo, baseData, seed);
  // The keys casegraph derives (sort and search keys) are filled in by its migration, as when the
  // service starts on the loader's data; only then are the two graphs comparable.
  execFileSync(process.env.CASEGRAPH_BIN, ["migrate"], { stdio: "inherit", env: { ...process.env, RUST_LOG: "warn" } });
  const diffs = compare(imported, await dump(driver));
  importResult.shape = diffs;
  log(diffs.length ? `the loader's graph differs from the importer's:\n  ${diffs.join("\n  ")}`
    : `the loader writes exactly the importer's graph (${imported.nodes.size} nodes, ${imported.rels.size} relationships)`);
}
let loadSeconds = null;
let migrateSeconds = null;
if (offline && !opt.import) {
  offlineResult = await offlineLoad(opt["import-file"]);
  log(`offline load in ${offlineResult.total.toFixed(1)}s (file ${fileSeconds.toFixed(1)}s before it)`);
} else if (!opt.import) {
  const t = Date.now();
  await load(driver, repo, baseData, seed, progress("loaded"));
  loadSeconds = (Date.now() - t) / 1000;
  log(`loaded in ${loadSeconds.toFixed(1)}s`);
  // casegraph fills in the keys it derives (sort and search keys) on the loader's graph, as a service
  // starting on data loaded by other means does: here, so that its time is shown and not mistaken for
  // a slow start.
  const m = Date.now();
  execFileSync(process.env.CASEGRAPH_BIN, ["migrate"], { stdio: "inherit", env: { ...process.env, RUST_LOG: "info" } });
  migrateSeconds = (Date.now() - m) / 1000;
  log(`casegraph migrate (derived keys filled in) in ${migrateSeconds.toFixed(1)}s`);
}
// The file is large at 1M events (gigabytes) and no longer needed.
if (tempImportFile) rmSync(opt["import-file"], { force: true });
const dataset = (await driver.executeQuery(
  "MATCH (n:Node) WITH [l IN labels(n) WHERE l <> 'Node'][0] AS kind RETURN kind, count(*) AS n ORDER BY kind",
)).records.map((r) => [r.get("kind"), r.get("n")]);
const rels = (await driver.executeQuery("MATCH ()-[r]->() RETURN count(r) AS n")).records[0].get("n");

// --- the three systems
const [cgPort, peerPort] = [await freePort(), await freePort()];
const urls = { casegraph: `http://127.0.0.1:${cgPort}/graphql`, peer: `http://127.0.0.1:${peerPort}/` };
const cg = start("casegraph", process.env.CASEGRAPH_BIN, ["serve"], {
  CASEGRAPH_HOST: "127.0.0.1", CASEGRAPH_PORT: String(cgPort), CASEGRAPH_SEED_ON_EMPTY: "false",
  CASEGRAPH_GRAPHIQL: "false", RUST_LOG: "warn",
});
const peer = withPeer ? start("peer", process.execPath, [new URL("./peer.js", import.meta.url).pathname, String(peerPort)], {}) : null;
await waitFor("casegraph", async () => (await fetch(`http://127.0.0.1:${cgPort}/ready`)).ok);
if (peer) {
  await waitFor("the peer", async () => (await fetch(urls.peer, { method: "POST",
    headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) })).ok);
}
log(`casegraph (pid ${cg.pid}) at ${urls.casegraph}` + (peer ? `, peer (pid ${peer.pid}) at ${urls.peer}` : ", peer left out"));

const params = parameters(baseData, block(baseData, 0, seed));
const paramKey = { region: "region", deep: "deep", unconfirmed: "unconfirmed", text: "text", total: "total" };
// --questions deep,region: check and time only these (a quicker run while working on one of them).
const only = opt.questions?.split(",").map((q) => q.trim()).filter(Boolean);
const asked = (qs) => (only ? qs.filter((q) => only.includes(q.name)) : qs);
if (only) {
  const unknown = only.filter((q) => !mix(params).some((x) => x.name === q));
  if (unknown.length) throw new Error(`--questions: no question named ${unknown.join(", ")}`);
}
const queries = asked(mix(params));
const checks = await verify(queries, urls, driver, log, systems);
// The same check on other parameters; only the questions whose parameters changed are asked again.
const firstBlock = block(baseData, 0, seed);
let extraChecks = 0;
for (const v of variants(baseData, firstBlock)) {
  const changed = asked(mix(v)).filter((q) => JSON.stringify(v[paramKey[q.name]]) !== JSON.stringify(params[paramKey[q.name]]));
  for (const c of await verify(changed, urls, driver, () => {}, systems)) {
    extraChecks++;
    if (c.problems.length) {
      const main = checks.find((x) => x.name === c.name);
      main.problems.push(...c.problems.map((p) => `with ${JSON.stringify(v[paramKey[c.name]])}: ${p}`));
      log(`check ${c.name} with ${JSON.stringify(v[paramKey[c.name]])}: ${c.problems.join("; ")}`);
    }
  }
}
log(`checked ${extraChecks} more parameter sets`);

// --- timing: A, B, C, A, B, C … for each question and concurrency
const duration = Number(opt.duration);
const rounds = Number(opt.rounds);
const levels = opt.concurrency.split(",").map(Number);
for (const q of queries) for (const s of systems) {
  const ask = askers(q, urls, driver)[s];
  for (let i = 0; i < 3; i++) await ask().catch(() => {}); // warm-up: plans cached, pools filled
}
const loadBefore = os.loadavg();
const rss = peer ? { casegraph: cg.pid, peer: peer.pid } : { casegraph: cg.pid };
const resettable = Object.values(rss).every(resetPeakRss);
const results = [];
for (const concurrency of levels) {
  for (const q of queries) {
    const ask = askers(q, urls, driver);
    const slices = Object.fromEntries(systems.map((s) => [s, []]));
    for (let r = 0; r < rounds; r++) for (const s of systems) slices[s].push(await slice(ask[s], concurrency, duration));
    const row = { query: q.name, title: q.title, concurrency };
    for (const s of systems) row[s] = summarize(slices[s]);
    results.push(row);
    log(`c=${concurrency} ${q.name}: ` + systems.map((s) => `${s} ${row[s].rps.toFixed(1)}/s p50 ${row[s].p50.toFixed(1)}ms p99 ${row[s].p99.toFixed(1)}ms err ${row[s].errors}`).join(" | "));
  }
}
const peaks = Object.fromEntries(Object.entries(rss).map(([k, pid]) => [k, peakRssMiB(pid)]));
const loadAfter = os.loadavg();

const neo4jVersion = (await driver.executeQuery("CALL dbms.components() YIELD versions, edition RETURN versions[0] + ' ' + edition AS v")).records[0].get("v");
await driver.close();
stopChildren();

writeReport(opt.out, {
  command: opt.command, systems, events, seed, duration, rounds, levels, dataset, rels, params, checks, results, peaks,
  resettable, extraChecks, loadBefore, loadAfter, neo4jVersion, importResult, loadSeconds, migrateSeconds, offlineResult, fileSeconds, note: opt.note, repo, collection: COLLECTION,
  blocks: blockCount(events), minutes: (Date.now() - t0) / 60000,
});
log(`wrote ${opt.out}`);
const failed = checks.filter((c) => c.problems.length);
if (failed.length) {
  log(`answers differ on: ${failed.map((c) => c.name).join(", ")} (see ${opt.out})`);
  process.exit(2);
}
