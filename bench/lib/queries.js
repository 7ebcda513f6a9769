// The investigator mix, each question asked three ways: (A) casegraph's GraphQL API, (B) the peer's
// GraphQL API (bench/peer.js), (C) hand-written Cypher over Bolt (the floor). `normalize` turns each
// system's answer into one canonical shape, so that run.js can check that all three agree before timing.
// Orders are part of the answer for paged lists (first 20); nested lists are compared as sets. casegraph's
// nested lists are pages too (20 items unless asked otherwise): the generator gives an event at most 5
// participants and a fact at most 3 claims, so those pages hold them all; an actor's events are asked
// for as a page of EVENTS_PER_ACTOR by date then id from all three.

import { readFileSync } from "node:fs";
import { SEARCH_WORD } from "./generate.js";

// casegraph's side lives in a .graphql file that the Rust suite also runs (tests/api/bench.rs).
const CASEGRAPH = readFileSync(new URL("../queries/casegraph.graphql", import.meta.url), "utf8");
const casegraph = (operationName) => ({ query: CASEGRAPH, operationName });
/** The page of each actor's events in the deep question (`events(first: 10)` in casegraph.graphql). */
const EVENTS_PER_ACTOR = 10;

const byKey = (f) => (a, b) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);
const sorted = (xs, f) => [...(xs ?? [])].sort(byKey(f));
const one = (xs) => (Array.isArray(xs) ? xs[0] ?? null : xs ?? null);
const edges = (conn) => (conn?.edges ?? []).map((e) => e.node);
const place = (p) => (p ? { id: p.id, name: p.name } : null);

/** The participants of an event, as a set: (actor id, role) pairs with the actor's name. */
const participants = (ps) =>
  sorted(ps.map((p) => ({ role: p.role, actor: { id: one(p.actor).id, name: one(p.actor).name } })),
    (p) => `${p.actor.id} ${p.role}`);

/** Picks each question's parameters from the generated data (deterministic for a seed and size). */
export function parameters(baseData, firstBlock) {
  const region = baseData.byLevel[1][1];
  // An event from the middle of the first block, with its participants (the deep selection's root).
  const event = firstBlock.events[Math.min(firstBlock.events.length - 1, 421)];
  return {
    region: { place: region.id, from: "2023-03-01", to: "2023-04-30" },
    deep: { id: event.id },
    unconfirmed: { status: "UNCONFIRMED" },
    text: { word: SEARCH_WORD },
    total: { type: "deportation" },
  };
}

/**
 * More parameter sets, checked (not timed) before timing: other regions, levels and windows, other
 * events, words and types, so that a wrong answer is not hidden by one lucky choice of parameters.
 */
export function variants(baseData, firstBlock) {
  const main = parameters(baseData, firstBlock);
  const { byLevel } = baseData;
  const places = [byLevel[0][0], ...byLevel[1].slice(0, 4), byLevel[2][5], byLevel[3][7], byLevel[4][3]];
  const windows = [["2019-01-01", "2019-02-28"], ["2021-06-01", "2021-07-31"], ["2025-11-01", "2025-12-31"]];
  const out = [];
  for (const p of places) for (const [from, to] of windows) out.push({ ...main, region: { place: p.id, from, to } });
  for (const i of [0, 7, 99, 777]) {
    const e = firstBlock.events[Math.min(firstBlock.events.length - 1, i)];
    out.push({ ...main, deep: { id: e.id } });
  }
  for (const word of ["Police", "Herald", "Guard"]) out.push({ ...main, text: { word } });
  for (const type of ["raid", "detention", "protest"]) out.push({ ...main, total: { type } });
  return out;
}

export function mix(params) {
  const { region, deep, text, total } = params;
  // "At the region or anywhere within it": the hierarchy has five levels, so four hops cover it.
  const within = (depth) => (depth === 0 ? { id: { eq: region.place } } : { parent: { some: within(depth - 1) } });
  return [
    {
      name: "region",
      title: "events at a region or anywhere within it, two-month window, first 20, with participants",
      casegraph: {
        ...casegraph("Region"),
        variables: region,
        normalize: (d) => edges(d.events).map((e) => ({ id: e.id, title: e.title, edtf: e.date.edtf,
          participants: participants(e.participants.nodes) })),
      },
      peer: {
        query: `query Q($where: EventWhere) {
          events(where: $where, sort: [{dateEarliest: ASC}, {id: ASC}], limit: 20) {
            id title dateEdtf participants { role actor { id name } } } }`,
        variables: { where: { AND: [
          { dateEarliest: { lte: region.to } },
          { OR: [{ dateLatest: { gte: region.from } }, { dateLatest: { eq: null } }] },
          { place: { some: { OR: [0, 1, 2, 3, 4].map(within) } } },
        ] } },
        normalize: (d) => d.events.map((e) => ({ id: e.id, title: e.title, edtf: e.dateEdtf,
          participants: participants(e.participants) })),
      },
      floor: {
        cypher: `MATCH (:Node {id: $place})<-[:WITHIN*0..4]-(:Place)<-[:AT]-(e:Event)
          WHERE e.dateEarliest <= date($to) AND (e.dateLatest IS NULL OR e.dateLatest >= date($from))
          WITH e ORDER BY e.dateEarliest, e.id LIMIT 20
          RETURN e.id AS id, e.title AS title, e.dateEdtf AS edtf,
            COLLECT { MATCH (e)<-[:IN_EVENT]-(p:Participation)<-[:PARTICIPATES_AS]-(a:Actor)
                      RETURN {role: p.role, actor: {id: a.id, name: a.name}} } AS participants`,
        params: region,
        normalize: (rows) => rows.map((r) => ({ ...r, participants: participants(r.participants) })),
      },
    },
    {
      name: "deep",
      title: "one event → participants → actors → their events → places",
      casegraph: {
        ...casegraph("Deep"),
        variables: deep,
        normalize: (d) => deepShape(d.node && { ...d.node, participants: d.node.participants.nodes }, (a) => a.events.nodes),
      },
      peer: {
        query: `query Q($id: ID!) { events(where: {id: {eq: $id}}) { id title
          participants { role actor { id name events(limit: ${EVENTS_PER_ACTOR}) { id title place { id name } } } } } }`,
        variables: deep,
        normalize: (d) => deepShape(d.events[0], (a) => a.events),
      },
      floor: {
        cypher: `MATCH (e:Node {id: $id})
          RETURN e.id AS id, e.title AS title,
            COLLECT { MATCH (e)<-[:IN_EVENT]-(p:Participation)<-[:PARTICIPATES_AS]-(a:Actor)
              RETURN {role: p.role, actor: {id: a.id, name: a.name, events: COLLECT {
                MATCH (a)-[:PARTICIPATES_AS]->(:Participation)-[:IN_EVENT]->(x:Event)
                WITH DISTINCT x ORDER BY x.sortDate, x.id LIMIT ${EVENTS_PER_ACTOR}
                OPTIONAL MATCH (x)-[:AT]->(pl:Place)
                RETURN {id: x.id, title: x.title, place: CASE WHEN pl IS NULL THEN null
                        ELSE {id: pl.id, name: pl.name} END} }}} } AS participants`,
        params: deep,
        normalize: (rows) => deepShape(rows[0], (a) => a.events),
      },
    },
    {
      name: "unconfirmed",
      title: "counts resting on unconfirmed claims, first 20, with claims and sources",
      casegraph: {
        ...casegraph("Unconfirmed"),
        variables: {},
        normalize: (d) => edges(d.counts).map(figure),
      },
      peer: {
        query: `query Q($status: String!) {
          figures(where: {claims: {some: {status: {eq: $status}}}}, sort: [{value: ASC}, {id: ASC}], limit: 20) {
            id subject value qualifier claims { id status excerpt source { id title } } } }`,
        variables: { status: "UNCONFIRMED" },
        normalize: (d) => d.figures.map(figure),
      },
      floor: {
        cypher: `MATCH (:Claim {status: $status})-[:ABOUT]->(n:Count)
          WITH DISTINCT n ORDER BY n.value, n.id LIMIT 20
          RETURN n.id AS id, n.subject AS subject, n.value AS value, n.qualifier AS qualifier,
            COLLECT { MATCH (n)<-[:ABOUT]-(c:Claim)-[:CITES]->(s:Source)
                      RETURN {id: c.id, status: c.status, excerpt: c.excerpt, source: {id: s.id, title: s.title}} } AS claims`,
        params: { status: "UNCONFIRMED" },
        normalize: (rows) => rows.map(figure),
      },
    },
    {
      name: "text",
      title: "actors whose name contains a word, first 20",
      casegraph: {
        ...casegraph("Text"),
        variables: text,
        normalize: (d) => edges(d.actors).map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
      },
      peer: {
        query: `query Q($word: String!) {
          actors(where: {name: {contains: $word}}, sort: [{name: ASC}, {id: ASC}], limit: 20) { id name kind } }`,
        variables: text,
        normalize: (d) => d.actors.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
      },
      floor: {
        cypher: `MATCH (a:Actor) WHERE a.name CONTAINS $word
          WITH a ORDER BY a.name, a.id LIMIT 20 RETURN a.id AS id, a.name AS name, a.kind AS kind`,
        params: text,
        normalize: (rows) => rows,
      },
    },
    {
      name: "total",
      title: "`totalCount` of one event type",
      casegraph: {
        ...casegraph("Total"),
        variables: total,
        normalize: (d) => d.events.totalCount,
      },
      peer: {
        query: `query Q($type: String!) { eventsConnection(where: {type: {eq: $type}}) { totalCount } }`,
        variables: total,
        normalize: (d) => d.eventsConnection.totalCount,
      },
      floor: {
        cypher: `MATCH (e:Event {type: $type}) RETURN count(e) AS total`,
        params: total,
        normalize: (rows) => rows[0].total,
      },
    },
  ];
}

function deepShape(e, eventsOf) {
  if (!e) return null;
  return {
    id: e.id, title: e.title,
    participants: sorted(e.participants.map((p) => {
      const a = one(p.actor);
      return { role: p.role, actor: { id: a.id, name: a.name,
        events: sorted(eventsOf(a).map((x) => ({ id: x.id, title: x.title, place: place(one(x.place)) })), (x) => x.id) } };
    }), (p) => `${p.actor.id} ${p.role}`),
  };
}

function figure(n) {
  return {
    id: n.id, subject: n.subject, value: n.value, qualifier: n.qualifier,
    claims: sorted((n.claims.nodes ?? n.claims).map((c) => ({ id: c.id, status: c.status, excerpt: c.excerpt,
      source: c.source ? { id: one(c.source).id, title: one(c.source).title } : null })), (c) => c.id),
  };
}
