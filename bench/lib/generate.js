// A seeded generator of investigator-like collections, in casegraph's model (docs/model.md).
//
// Shape, for N events: N/10 actors whose participation follows a power law (a few police units and
// courts take part in thousands of events, most actors in a handful), a five-level place hierarchy
// (country > region > city > district > facility) with coordinates, N/20 sources, dates of mixed
// precision over 2019–2025, ~3 participations per event, figures for a quarter of the events (often
// several sources' conflicting figures for the same thing), and 1–3 claims behind every fact.
//
// Events are generated in independent blocks, each from its own seed, so that any block can be
// regenerated on its own: the loader and the import-file writer stream through 1M events in flat memory.
//
// Deliberate limits, so that the three systems can be compared answer for answer:
// - no open-start dates (`../2024-05`): casegraph sorts an unknown start first, Cypher's ORDER BY and
//   the peer sort nulls last; open ends (`2024-05-01/..`) are generated.
// - every figure has a `value` (casegraph sorts figures by value, else by a bound; the peer cannot).
// - actor names are Capitalised Words, so case-insensitive and case-sensitive name orders agree, and
//   the search word appears only in names, capitalised (casegraph's text filter is case-insensitive
//   and also looks at aliases and descriptions; the peer's `contains` is case-sensitive).

export const COLLECTION = "bench";
export const BLOCK = 1000;
export const SEARCH_WORD = "Battalion";

/** sfc32: a small, fast, well-distributed seeded PRNG. */
export function rng(seed) {
  let a = 0x9e3779b9 ^ seed, b = 0x243f6a88 + seed * 7, c = 0xb7e15162 ^ (seed >>> 3), d = 1;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    weighted: (pairs) => {
      const total = pairs.reduce((s, [, w]) => s + w, 0);
      let x = next() * total;
      for (const [v, w] of pairs) if ((x -= w) < 0) return v;
      return pairs[pairs.length - 1][0];
    },
  };
  return r;
}

const pad = (n, w = 6) => String(n).padStart(w, "0");
const id = (kind, n) => `${COLLECTION}:${kind}:${pad(n)}`;

export const EVENT_TYPES = [
  ["raid", "Raid", 20], ["detention", "Detention", 25], ["charge", "Charge", 12],
  ["deportation", "Deportation", 8], ["recruitment_offer", "Recruitment offer", 10],
  ["search", "Search", 10], ["fine", "Fine", 10], ["protest", "Protest", 5],
];
export const ROLES = [
  ["perpetrator", "Perpetrator", 35], ["target", "Target", 35], ["witness", "Witness", 10],
  ["reporter", "Reporter", 10], ["official", "Official", 10],
];
const STATUSES = [
  ["REPORTED", 55], ["OFFICIAL_STATEMENT", 15], ["CONFIRMED", 10], ["UNCONFIRMED", 12],
  ["DISPUTED", 5], ["RETRACTED", 3],
];
const ACTOR_KINDS = [["STATE_BODY", 20], ["STATE_UNIT", 35], ["GROUP", 20], ["ORGANISATION", 10],
  ["NEWS_OUTLET", 10], ["PERSON", 5]];
const NAME_HEADS = ["Northern", "Central", "Eastern", "Western", "Southern", "First", "Second", "Third",
  "Fourth", "Fifth", "Riverside", "Harbour", "Valley", "Upland", "Coastal", "Border", "Metro", "Old",
  "New", "Lower", "Upper"];
const NAME_TAILS = ["Police Department", "Migration Service", "District Court", "Enlistment Office",
  "Press Service", "Patrol Unit", "Prosecutor Office", "Workers Union", "Herald", "Gazette",
  "Rights Group", "Traders Association", "Rifle " + SEARCH_WORD, "Guard " + SEARCH_WORD];
const PLACE_SYLLABLES = ["ka", "lo", "mir", "vo", "dan", "sel", "ta", "rin", "gor", "pol", "zan",
  "ber", "nov", "ost", "ul", "ya"];
const PLACE_KINDS = ["COUNTRY", "REGION", "CITY", "DISTRICT", "FACILITY"];
const PLACE_PRECISION = ["COUNTRY", "REGION", "CITY", "DISTRICT", "EXACT"];
const FACILITY_NAMES = ["Police Station", "Detention Centre", "Market", "Hostel", "Court House",
  "Railway Station", "Warehouse", "Dormitory", "Construction Site", "Enlistment Office"];
const SUBJECTS = ["people detained", "people charged", "people deported", "people fined",
  "migrants checked", "people injured"];

const cap = (s) => s[0].toUpperCase() + s.slice(1);
function placeName(r) {
  const n = 2 + r.int(2);
  let s = "";
  for (let i = 0; i < n; i++) s += r.pick(PLACE_SYLLABLES);
  return cap(s);
}

/** Sizes derived from the number of events. */
export function sizes(events) {
  return {
    events,
    actors: Math.max(50, Math.round(events / 10)),
    sources: Math.max(20, Math.round(events / 20)),
    // 3 countries x 4 regions x 3 cities x 4 districts, then facilities per district.
    facilitiesPerDistrict: Math.max(2, Math.round(events / 5000)),
  };
}

/** The part of a collection that does not grow in blocks: terms, places, actors, sources. */
export function base(events, seed) {
  const sz = sizes(events);
  const r = rng(seed);
  const terms = [
    ...EVENT_TYPES.map(([key, label]) => ({ vocabulary: "EVENT_TYPE", key, label,
      description: `Events of type ${label.toLowerCase()}.` })),
    ...ROLES.map(([key, label]) => ({ vocabulary: "PARTICIPANT_ROLE", key, label,
      description: `Takes part as ${label.toLowerCase()}.` })),
  ];

  const places = [];
  const byLevel = [[], [], [], [], []];
  const fanout = [3, 4, 3, 4, sz.facilitiesPerDistrict];
  const spread = [0, 4, 1, 0.1, 0.02];
  const addPlace = (level, parent) => {
    const n = places.length;
    const name = level === 4 ? `${placeName(r)} ${r.pick(FACILITY_NAMES)}` : placeName(r);
    const lat = parent ? parent.lat + (r.next() - 0.5) * spread[level] : 40 + level + r.next() * 15;
    const lon = parent ? parent.lon + (r.next() - 0.5) * spread[level] : 20 + byLevel[0].length * 12;
    // One facility in ten is known only to its city, without coordinates ("an unnamed centre").
    const unlocated = level === 4 && r.next() < 0.1;
    const p = {
      id: id("place", n), kind: PLACE_KINDS[level], name, aliases: [],
      description: `${cap(PLACE_KINDS[level].toLowerCase())} ${name}.`,
      precision: unlocated ? "CITY" : PLACE_PRECISION[level],
      lat: unlocated ? null : Math.round(lat * 1e5) / 1e5,
      lon: unlocated ? null : Math.round(lon * 1e5) / 1e5,
      within: parent ? parent.id : null, level,
    };
    places.push(p);
    byLevel[level].push(p);
    if (level < 4) for (let i = 0; i < fanout[level + 1]; i++) addPlace(level + 1, p);
  };
  for (let i = 0; i < fanout[0]; i++) addPlace(0, null);

  const actors = [];
  for (let n = 0; n < sz.actors; n++) {
    const kind = r.weighted(ACTOR_KINDS);
    const name = `${r.pick(NAME_HEADS)} ${r.pick(NAME_TAILS)} ${n + 1}`;
    const aliases = r.next() < 0.3 ? [name.split(" ").map((w) => w[0]).join("")] : [];
    actors.push({ id: id("actor", n), kind, name, aliases, description: `Generated actor number ${n + 1}.` });
  }
  const outlets = actors.filter((a) => a.kind === "NEWS_OUTLET");

  const sources = [];
  for (let n = 0; n < sz.sources; n++) {
    const day = dayString(dayOf(2019, 0) + r.int(7 * 365));
    sources.push({
      id: id("source", n), kind: r.weighted([["NEWS_REPORT", 60], ["OFFICIAL_STATEMENT", 20],
        ["SOCIAL_MEDIA_POST", 10], ["DOCUMENT", 10]]),
      title: `Report ${n + 1} on events in ${r.pick(byLevel[2]).name}`,
      url: `https://example.org/reports/${n + 1}`, language: r.pick(["en", "ru", "uz"]),
      publisher: outlets.length && r.next() < 0.6 ? r.pick(outlets).id : null,
      published: { edtf: day, earliest: day, latest: day, precision: "DAY", approximate: false, uncertain: false },
    });
  }
  return { sz, terms, places, byLevel, actors, sources };
}

const MS_DAY = 86400000;
const dayOf = (y, m, d = 1) => Math.round(Date.UTC(y, m, d) / MS_DAY);
const dayString = (day) => new Date(day * MS_DAY).toISOString().slice(0, 10);
const lastOfMonth = (y, m) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();

/** A fuzzy date over 2019–2025, with the bounds casegraph computes from its EDTF. */
function fuzzyDate(r) {
  const start = dayOf(2019, 0);
  const day = start + r.int(7 * 365);
  const s = dayString(day);
  const [y, m] = [Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1];
  const ym = s.slice(0, 7);
  const monthEnd = `${ym}-${String(lastOfMonth(y, m)).padStart(2, "0")}`;
  const kind = r.weighted([["day", 60], ["month", 15], ["year", 8], ["interval", 7], ["approx", 4],
    ["uncertain", 3], ["open", 3]]);
  const d = { approximate: false, uncertain: false };
  switch (kind) {
    case "day": return { ...d, edtf: s, earliest: s, latest: s, precision: "DAY" };
    case "month": return { ...d, edtf: ym, earliest: `${ym}-01`, latest: monthEnd, precision: "MONTH" };
    case "year": return { ...d, edtf: `${y}`, earliest: `${y}-01-01`, latest: `${y}-12-31`, precision: "YEAR" };
    case "interval": {
      const end = dayString(day + 1 + r.int(10));
      return { ...d, edtf: `${s}/${end}`, earliest: s, latest: end, precision: "INTERVAL" };
    }
    case "approx": return { ...d, edtf: `${ym}~`, earliest: `${ym}-01`, latest: monthEnd, precision: "MONTH", approximate: true };
    case "uncertain": return { ...d, edtf: `${ym}?`, earliest: `${ym}-01`, latest: monthEnd, precision: "MONTH", uncertain: true };
    default: return { ...d, edtf: `${s}/..`, earliest: s, latest: null, precision: "OPEN" };
  }
}

/** Power law: a few actors take part in a large share of the events. */
const actorIndex = (r, n) => Math.min(n - 1, Math.floor(n * Math.pow(r.next(), 2.5)));

function claims(r, b, kind, factId, sources, ctx) {
  const n = r.weighted([[1, 65], [2, 25], [3, 10]]);
  const out = [];
  const used = new Set();
  for (let i = 0; i < n; i++) {
    let s = r.pick(sources);
    if (used.has(s.id)) continue;
    used.add(s.id);
    out.push({
      id: `${factId.replace(`${COLLECTION}:${kind}:`, `${COLLECTION}:claim:${kind}:`)}:${i}`,
      source: s.id, status: r.weighted(STATUSES),
      excerpt: `${s.title} says so about ${ctx}.`,
    });
  }
  return out;
}

/**
 * Block `b` (events b*BLOCK … b*BLOCK+BLOCK-1): events, participations, counts, each with its claims.
 * Depends only on (events, seed, b) and the base, so blocks can be generated in any order.
 */
export function block(baseData, b, seed) {
  const { sz, places, byLevel, actors, sources } = baseData;
  const r = rng(seed * 7919 + b + 1);
  const events = [], participations = [], counts = [];
  const first = b * BLOCK;
  const last = Math.min(sz.events, first + BLOCK);
  for (let n = first; n < last; n++) {
    const type = r.weighted(EVENT_TYPES.map(([k, , w]) => [k, w]));
    // Most events are placed at a facility or district; some only at a city or region.
    const level = r.weighted([[4, 55], [3, 25], [2, 15], [1, 5]]);
    const place = r.pick(byLevel[level]);
    const date = fuzzyDate(r);
    const eid = id("event", n);
    const label = EVENT_TYPES.find(([k]) => k === type)[1];
    events.push({
      id: eid, type, title: `${label} at ${place.name} (${n + 1})`,
      description: `Generated ${label.toLowerCase()} number ${n + 1}.`,
      place: place.id, date, claims: claims(r, b, "event", eid, sources, `event ${n + 1}`),
    });
    const k = r.weighted([[1, 10], [2, 25], [3, 35], [4, 20], [5, 10]]);
    const seen = new Set();
    for (let i = 0; i < k; i++) {
      const a = actors[actorIndex(r, actors.length)];
      if (seen.has(a.id)) continue; // one participation per actor and event
      seen.add(a.id);
      const pid = `${COLLECTION}:participation:${pad(n)}:${i}`;
      participations.push({
        id: pid, event: eid, actor: a.id, role: r.weighted(ROLES.map(([x, , w]) => [x, w])),
        claims: claims(r, b, "participation", pid, sources, `the part of ${a.name}`),
      });
    }
    if (r.next() < 0.25) {
      const subject = r.pick(SUBJECTS);
      const base = 1 + Math.floor(Math.pow(r.next(), 3) * 3000);
      // Several sources' figures for the same thing, often conflicting.
      const figures = r.weighted([[1, 60], [2, 30], [3, 10]]);
      for (let i = 0; i < figures; i++) {
        const value = i === 0 || r.next() < 0.4 ? base : Math.max(1, Math.round(base * (0.3 + r.next() * 2)));
        const qualifier = r.weighted([["EXACT", 40], ["ABOUT", 30], ["AT_LEAST", 20], ["MORE_THAN", 10]]);
        const cid = `${COLLECTION}:count:${pad(n)}:${i}`;
        counts.push({
          id: cid, event: eid, subject, value, qualifier,
          lower: qualifier === "AT_LEAST" || qualifier === "MORE_THAN" ? value : null, upper: null,
          unit: "person", wording: qualifier === "EXACT" ? `${value}` : `${qualifier.toLowerCase().replace("_", " ")} ${value}`,
          claims: claims(r, b, "count", cid, sources, `${subject} in event ${n + 1}`),
        });
      }
    }
  }
  return { events, participations, counts };
}

export const blockCount = (events) => Math.ceil(events / BLOCK);
