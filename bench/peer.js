// The peer: the Neo4j GraphQL Library 7 behind Apollo Server 5, over the same Neo4j and the same graph,
// with type definitions equivalent to casegraph's model (docs/model.md). Started by run.js.
//
// Differences forced by the library, none of which changes an answer:
// - its type name `Count` is reserved, so figures are `Figure`, mapped onto the `Count` label;
// - relationships are lists in v7, also the to-one ones (an event's place);
// - the date bounds are `Date` fields used in filters only (selecting temporal fields can call APOC).
// Usage: node peer.js PORT   (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD from the environment)

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

export const typeDefs = /* GraphQL */ `
  type Event @node(labels: ["Event", "Node"]) {
    id: ID!
    collection: String!
    type: String!
    title: String!
    description: String
    dateEdtf: String!
    dateEarliest: Date
    dateLatest: Date
    datePrecision: String!
    place: [Place!]! @relationship(type: "AT", direction: OUT)
    participants: [Participation!]! @relationship(type: "IN_EVENT", direction: IN)
    counts: [Figure!]! @relationship(type: "COUNT_OF", direction: IN)
    claims: [Claim!]! @relationship(type: "ABOUT", direction: IN)
  }
  type Participation @node(labels: ["Participation", "Node"]) {
    id: ID!
    collection: String!
    role: String!
    description: String
    actor: [Actor!]! @relationship(type: "PARTICIPATES_AS", direction: IN)
    event: [Event!]! @relationship(type: "IN_EVENT", direction: OUT)
    claims: [Claim!]! @relationship(type: "ABOUT", direction: IN)
  }
  type Actor @node(labels: ["Actor", "Node"]) {
    id: ID!
    collection: String!
    kind: String!
    name: String!
    aliases: [String!]
    description: String
    participations: [Participation!]! @relationship(type: "PARTICIPATES_AS", direction: OUT)
    publications: [Source!]! @relationship(type: "PUBLISHED_BY", direction: IN)
    "A page of the events the actor took part in, each once, by date then id (as casegraph's Actor.events)."
    events(limit: Int = 20): [Event!]! @cypher(statement: """
      MATCH (this)-[:PARTICIPATES_AS]->(:Participation)-[:IN_EVENT]->(e:Event)
      WITH DISTINCT e ORDER BY e.sortDate, e.id LIMIT $limit RETURN e""", columnName: "e")
  }
  type Place @node(labels: ["Place", "Node"]) {
    id: ID!
    collection: String!
    kind: String!
    name: String!
    aliases: [String!]
    description: String
    precision: String!
    parent: [Place!]! @relationship(type: "WITHIN", direction: OUT)
    children: [Place!]! @relationship(type: "WITHIN", direction: IN)
    events: [Event!]! @relationship(type: "AT", direction: IN)
  }
  type Source @node(labels: ["Source", "Node"]) {
    id: ID!
    collection: String!
    kind: String!
    title: String!
    url: String
    language: String
    publishedEdtf: String
    publisher: [Actor!]! @relationship(type: "PUBLISHED_BY", direction: OUT)
  }
  type Figure @node(labels: ["Count", "Node"]) {
    id: ID!
    collection: String!
    subject: String!
    value: Int
    qualifier: String!
    lower: Int
    upper: Int
    unit: String!
    subgroup: String
    wording: String
    event: [Event!]! @relationship(type: "COUNT_OF", direction: OUT)
    claims: [Claim!]! @relationship(type: "ABOUT", direction: IN)
  }
  type Claim @node(labels: ["Claim", "Node"]) {
    id: ID!
    collection: String!
    status: String!
    excerpt: String
    note: String
    source: [Source!]! @relationship(type: "CITES", direction: OUT)
  }
`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] || 4000);
  const driver = neo4j.driver(
    process.env.NEO4J_URI,
    neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD),
    { maxConnectionPoolSize: 32 },
  );
  const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, {
    listen: { port, host: "127.0.0.1" },
    context: async () => ({}),
  });
  console.log(`peer ready at ${url}`);
}
