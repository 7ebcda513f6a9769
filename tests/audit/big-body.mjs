// Sends N POSTs whose body is larger than the service's limit with Node's fetch (undici), the client
// that used to see a broken pipe, and prints one JSON line per attempt: {status, code} or {error}.
// Usage: node big-body.mjs URL BYTES TIMES [chunked]
const [url, bytes, times, mode] = process.argv.slice(2);
const size = Number(bytes);
const padding = 'x'.repeat(size);
const body = `{"query":"{ __typename }","extensions":{"padding":"${padding}"}}`;

function chunked() {
  // No Content-Length: a stream is sent with Transfer-Encoding: chunked, 64 KiB at a time.
  const data = new TextEncoder().encode(body);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.subarray(offset, offset + 65536));
      offset += 65536;
    },
  });
}

for (let i = 0; i < Number(times); i++) {
  try {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: mode === 'chunked' ? chunked() : body,
    };
    if (mode === 'chunked') init.duplex = 'half';
    const res = await fetch(url, init);
    const text = await res.text();
    let code = null;
    try {
      code = JSON.parse(text).errors?.[0]?.extensions?.code ?? null;
    } catch {
      code = `not JSON: ${text.slice(0, 100)}`;
    }
    console.log(JSON.stringify({ status: res.status, code }));
  } catch (e) {
    console.log(JSON.stringify({ error: `${e.message}: ${e.cause?.code ?? e.cause?.message ?? ''}` }));
  }
}
