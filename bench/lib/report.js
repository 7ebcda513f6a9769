// Writes BENCHMARKS.md: what was run, on what, and the figures.

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

const sh = (cmd, args, cwd) => {
  try { return execFileSync(cmd, args, { cwd, encoding: "utf8" }).trim(); } catch { return "?"; }
};
const pkg = (name) => {
  try {
    return JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url))).version;
  } catch { return "?"; }
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "—");
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : "—");

export function writeReport(path, r) {
  const commit = sh("git", ["rev-parse", "--short", "HEAD"], r.repo);
  const dirty = sh("git", ["status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"], r.repo) ? " (with uncommitted changes)" : "";
  const cargo = /version = "([^"]+)"/.exec(readFileSync(`${r.repo}/Cargo.toml`, "utf8"))?.[1];
  const cpu = os.cpus();
  const L = [];
  L.push("# Benchmarks", "");
  L.push("Written by `scripts/bench` (see README, \"Benchmark\"); rerun it to refresh this file.", "");
  if (r.note) L.push(`> ${r.note}`, "");
  L.push(`- **Command**: \`${r.command}\``);
  L.push(`- **Date**: ${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC; the whole run took ${r.minutes.toFixed(1)} min`);
  L.push(`- **Machine**: ${cpu[0]?.model ?? "?"}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; `
    + `load average ${r.loadBefore.map(f1).join("/")} before timing, ${r.loadAfter.map(f1).join("/")} after `
    + "(1/5/15 min; the load generator, Neo4j and both services share these cores)");
  L.push(`- **Versions**: casegraph ${cargo} (${commit}${dirty}, ${/\/release\//.test(process.env.CASEGRAPH_BIN ?? "") ? "release build" : `binary ${process.env.CASEGRAPH_BIN}`}), ${r.neo4jVersion}, `
    + `@neo4j/graphql ${pkg("@neo4j/graphql")} + @apollo/server ${pkg("@apollo/server")} + graphql ${pkg("graphql")} on Node.js ${process.version}, `
    + `floor over neo4j-driver ${pkg("neo4j-driver")}`);
  L.push(`- **Data** (\`bench/lib/generate.js\`, seed ${r.seed}, collection \`${r.collection}\`): ${r.dataset.map(([k, n]) => `${n.toLocaleString("en")} ${k}`).join(", ")}; ${r.rels.toLocaleString("en")} relationships`);
  if (r.loadSeconds) L.push(`- **Loading** (\`--load bolt\`: \`bench/lib/load.js\`, batched \`UNWIND\` over Bolt into an empty database, schema from \`schema/constraints.cypher\`): ${r.loadSeconds.toFixed(0)} s, ${(r.events / r.loadSeconds).toFixed(0)} events/s with their participations, figures and claims`
    + (r.migrateSeconds === null ? "" : `; then \`casegraph migrate\` (derived keys) ${r.migrateSeconds.toFixed(0)} s`));
  if (r.offlineResult) {
    const o = r.offlineResult;
    L.push(`- **Loading** (\`--load offline\`: the data written as a \`casegraph/v1\` NDJSON file by \`bench/lib/importfile.js\` in ${f1(r.fileSeconds)} s, then \`scripts/bulk-load\` into the stopped Neo4j): `
      + `${f1(o.total)} s, ${(r.events / o.total).toFixed(0)} events/s (\`casegraph export-csv\` ${f1(o.exportCsv)} s, \`neo4j-admin database import full\` ${f1(o.importCsv)} s, `
      + `Neo4j start ${f1(o.startNeo4j)} s, \`casegraph migrate\` ${f1(o.migrate)} s); with the file, ${f1(r.fileSeconds + o.total)} s`);
  }
  L.push(`- **Method**: each system asked each question once and the canonical answers compared with the floor's; `
    + `3 warm-up requests each; then ${r.rounds} round(s) of ${r.duration} s per system, alternating `
    + `(casegraph, peer, floor, casegraph, …), at concurrency ${r.levels.join(" and ")}. A GraphQL response with `
    + "`errors` counts as an error, not a success. Latencies are client-side, per request; requests/s counts successes.");
  L.push(`- **Peak RSS**: \`VmHWM\` of each service process${r.resettable ? ", reset just before timing" : " (could not be reset: includes start-up)"}; `
    + "the floor runs inside the load generator, so it has none of its own.");
  L.push("");
  L.push("## Questions", "");
  L.push("| name | question | parameters | canonical answer |", "|---|---|---|---|");
  const paramsOf = { region: r.params.region, deep: r.params.deep, unconfirmed: r.params.unconfirmed, text: r.params.text, total: r.params.total };
  for (const c of r.checks) {
    const q = r.results.find((x) => x.query === c.name);
    L.push(`| ${c.name} | ${q?.title ?? ""} | \`${JSON.stringify(paramsOf[c.name])}\` | ${c.size.toLocaleString("en")} bytes |`);
  }
  L.push("");
  const bad = r.checks.filter((c) => c.problems.length);
  L.push("## Answer check", "");
  L.push(`Each question was asked with the parameters above and with ${r.extraChecks} other parameter sets (other regions at every level, windows, events, words and event types; \`variants\` in \`bench/lib/queries.js\`), and each canonical answer compared with the floor's.`, "");
  if (!bad.length) L.push(r.systems.length === 3 ? "All three systems gave the same answer every time." : `${r.systems.join(" and ")} gave the same answer every time (the peer was left out: \`--systems\`).`);
  for (const c of bad) for (const p of c.problems) L.push(`- **${c.name}**: ${p}`);
  L.push("");
  for (const concurrency of r.levels) {
    L.push(`## Concurrency ${concurrency}`, "");
    L.push("| question | system | requests/s | p50 ms | p99 ms | errors |", "|---|---|---:|---:|---:|---:|");
    for (const row of r.results.filter((x) => x.concurrency === concurrency)) {
      const flag = bad.some((c) => c.name === row.query) ? " ⚠ answers differ" : "";
      for (const s of r.systems) {
        const m = row[s];
        L.push(`| ${s === "casegraph" ? row.query + flag : ""} | ${s} | ${f1(m.rps)} | ${f1(m.p50)} | ${f1(m.p99)} | ${m.errors}${m.errors ? ` (${String(m.lastError).slice(0, 80).replace(/\|/g, "/")})` : ""} |`);
      }
    }
    L.push("");
  }
  L.push("## Against the targets of issue 8", "");
  L.push("casegraph's throughput as a multiple of the peer's (goal ≥ 2), its p99 as a fraction of the peer's (goal ≤ 0.5), "
    + "and its p50 as a multiple of the floor's (goal ≤ 1.3).", "");
  L.push("| question | concurrency | throughput ÷ peer | p99 ÷ peer | p50 ÷ floor |", "|---|---:|---:|---:|---:|");
  const ratio = (a, b, good) => {
    const x = a / b;
    return Number.isFinite(x) ? `${x.toFixed(2)}${good(x) ? "" : " ✗"}` : "—";
  };
  for (const row of r.results) {
    const { casegraph: c, peer: p = {}, floor: f } = row;
    L.push(`| ${row.query} | ${row.concurrency} | ${ratio(c.rps, p.rps, (x) => x >= 2)} | ${ratio(c.p99, p.p99, (x) => x <= 0.5)} | ${ratio(c.p50, f.p50, (x) => x <= 1.3)} |`);
  }
  L.push("");
  L.push("## Peak RSS under the benchmark", "", "| system | MiB |", "|---|---:|");
  L.push(`| casegraph | ${f0(r.peaks.casegraph)} |`, `| peer (Node.js) | ${r.systems.includes("peer") ? f0(r.peaks.peer) : "— (left out)"} |`, "| floor | — (in the load generator) |", "");
  if (r.importResult) {
    L.push("## Import", "");
    if (r.importResult.offline) {
      L.push(`The offline load (\`scripts/bulk-load\`) of the same data, after the Bolt loader's: ${r.importResult.seconds.toFixed(1)} s, ${r.importResult.rate.toFixed(0)} events/s.`);
      L.push(r.importResult.shape.length
        ? `The offline load's graph differs from the Bolt loader's:\n\n${r.importResult.shape.map((d) => `- ${d}`).join("\n")}`
        : "The offline load wrote exactly the Bolt loader's graph (every node's labels and properties but `createdAt` and `sortCreated`, every relationship, both after `casegraph migrate`).");
      L.push("");
    } else {
      L.push(`\`casegraph import\` of the same data as a \`casegraph/v1\` file: ${r.importResult.seconds.toFixed(1)} s, ${r.importResult.rate.toFixed(0)} events/s.`);
      L.push(r.importResult.shape.length
        ? `The benchmark loader's graph differs from the importer's:\n\n${r.importResult.shape.map((d) => `- ${d}`).join("\n")}`
        : "The benchmark loader wrote exactly the importer's graph (every node's labels and properties but `createdAt` and `sortCreated`, every relationship, after casegraph's migration filled in its derived keys).");
      L.push("");
    }
  }
  writeFileSync(path, L.join("\n"));
}
