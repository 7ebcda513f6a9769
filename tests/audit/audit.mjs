// Runs graphql-http's GraphQL-over-HTTP server audit against the URL given as the first argument and
// prints one JSON line per audit: {id, name, status, reason}. tests/api/http_conformance.rs judges them.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}
const results = await auditServer({ url });
for (const r of results) {
  let reason = r.reason ?? null;
  if (r.status !== 'ok' && r.response) {
    // The body says what the server answered; a few hundred characters are enough to see why.
    const body = await r.response.text().catch(() => '');
    reason = `${reason} (status ${r.response.status}, ${r.response.headers.get('content-type')}: ${body.slice(0, 300)})`;
  }
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason }));
}
