// Clients for the three systems, the answer check, and the timed load.

import { readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import neo4j from "neo4j-driver";

/** One request to a GraphQL endpoint. A response with `errors` is a failure, whatever its status. */
export async function graphql(url, query, variables, operationName) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables, operationName }),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
  if (!res.ok || body.errors?.length || !body.data) {
    throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return body.data;
}

export async function cypher(driver, text, params) {
  const { records } = await driver.executeQuery(text, params, { routing: neo4j.routing.READ });
  return records.map((r) => r.toObject());
}

/** The three ways to ask one question of the mix, as functions returning the raw answer. */
export function askers(q, urls, driver) {
  return {
    casegraph: () => graphql(urls.casegraph, q.casegraph.query, q.casegraph.variables, q.casegraph.operationName),
    peer: () => graphql(urls.peer, q.peer.query, q.peer.variables),
    floor: () => cypher(driver, q.floor.cypher, q.floor.params),
  };
}

/** The first path at which two canonical answers differ, for the report. */
export function firstDifference(a, b, path = "") {
  if (isDeepStrictEqual(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  const show = (x) => (x === undefined ? "(missing)" : JSON.stringify(x)?.slice(0, 200));
  return `${path || "(root)"}: ${show(a)} vs ${show(b)}`;
}

/** Asks every question of every system once and compares the canonical answers with the floor's. */
export async function verify(mix, urls, driver, log, systems = ["casegraph", "peer", "floor"]) {
  const out = [];
  for (const q of mix) {
    const ask = askers(q, urls, driver);
    const answers = {};
    const problems = [];
    for (const sys of ["floor", "casegraph", "peer"].filter((s) => systems.includes(s))) {
      try {
        answers[sys] = q[sys].normalize(await ask[sys]());
      } catch (e) {
        problems.push(`${sys} failed: ${e.message}`);
      }
    }
    for (const sys of ["casegraph", "peer"]) {
      if (sys in answers && "floor" in answers) {
        const d = firstDifference(answers[sys], answers.floor);
        if (d) problems.push(`${sys} differs from the floor at ${d}`);
      }
    }
    const size = JSON.stringify(answers.floor ?? null).length;
    out.push({ name: q.name, problems, size, answer: answers.floor });
    log(`check ${q.name}: ${problems.length ? problems.join("; ") : `${systems.length === 3 ? "all three agree" : `${systems.join(" and ")} agree`} (${size} bytes canonical)`}`);
  }
  return out;
}

/** `concurrency` workers ask `fn` until `seconds` have passed; latencies of successes in ms. */
export async function slice(fn, concurrency, seconds) {
  const latencies = [];
  let errors = 0;
  let lastError = null;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      try {
        await fn();
        latencies.push(performance.now() - t);
      } catch (e) {
        errors++;
        lastError = e.message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, errors, lastError, elapsed: (performance.now() - started) / 1000 };
}

export function summarize(slices) {
  const lat = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const elapsed = slices.reduce((s, x) => s + x.elapsed, 0);
  const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)] : NaN);
  return {
    requests: lat.length,
    rps: lat.length / elapsed,
    p50: pct(0.5),
    p99: pct(0.99),
    errors: slices.reduce((s, x) => s + x.errors, 0),
    lastError: slices.map((s) => s.lastError).filter(Boolean).pop() ?? null,
  };
}

/** Peak resident set of a process since the last reset (Linux). */
export function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/** Resets a process's peak-RSS mark, so that the peak measured is the one under load. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}
