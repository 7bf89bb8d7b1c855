import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A tiny web app on its own origin (another port), as a frontend team would host it: one page and the browser
 * builds of graphql-ws and graphql-sse. `window.wcs` runs a query over POST and GET (fetch), an SSE subscription
 * (graphql-sse, distinct connections) and a graphql-ws subscription against the API, and lists each outcome on
 * the page so a screenshot shows what happened.
 */

// The packages' export maps do not list their browser (UMD) builds: read them from node_modules.
const SCRIPTS: Record<string, string> = {
  '/graphql-ws.js': path.resolve('node_modules/graphql-ws/umd/graphql-ws.js'),
  '/graphql-sse.js': path.resolve('node_modules/graphql-sse/umd/graphql-sse.js'),
};

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A dashboard on another origin</title>
<style>body { font: 14px system-ui, sans-serif; margin: 2rem; } li { margin: .4rem 0; font-family: monospace; }</style>
</head>
<body>
<h1>A dashboard on <span id="origin"></span></h1>
<ol id="log"></ol>
<script src="/graphql-ws.js"></script>
<script src="/graphql-sse.js"></script>
<script>
  document.getElementById('origin').textContent = location.origin;
  const log = (what, outcome) => {
    const li = document.createElement('li');
    li.textContent = what + ': ' + JSON.stringify(outcome);
    document.getElementById('log').append(li);
    return outcome;
  };
  const describe = (err) => (err && err.message) || (err && err.type) || (err && err.code !== undefined ? 'close ' + err.code : String(err));
  /** Resolves with the first event of a subscription, or with the error that ended it. */
  const firstEvent = (subscribe) =>
    new Promise((resolve) => {
      let dispose = () => {};
      dispose = subscribe({
        next: (value) => { resolve({ event: value }); setTimeout(() => dispose(), 0); },
        error: (err) => resolve({ error: describe(err) }),
        complete: () => resolve({ error: 'completed without an event' }),
      });
    });
  window.wcs = {
    async post(api, key, query) {
      try {
        const res = await fetch(api, { method: 'POST', headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
        return log('POST', { status: res.status, body: await res.json() });
      } catch (err) { return log('POST', { error: describe(err) }); }
    },
    async get(api, key, query) {
      try {
        const res = await fetch(api + '?query=' + encodeURIComponent(query), { headers: { authorization: 'Bearer ' + key } });
        return log('GET', { status: res.status, body: await res.json() });
      } catch (err) { return log('GET', { error: describe(err) }); }
    },
    sse(api, key, query) {
      const client = graphqlSse.createClient({ url: api, headers: { authorization: 'Bearer ' + key }, retryAttempts: 0 });
      window.sseResult = firstEvent((sink) => client.subscribe({ query }, sink)).then((r) => { client.dispose(); return log('SSE', r); });
    },
    ws(wsUrl, key, query) {
      const client = graphqlWs.createClient({ url: wsUrl, connectionParams: { authorization: 'Bearer ' + key }, retryAttempts: 0, lazy: false,
        onNonLazyError: () => {} });
      window.wsResult = firstEvent((sink) => client.subscribe({ query }, sink)).then((r) => { client.dispose(); return log('graphql-ws', r); });
    },
  };
</script>
</body>
</html>`;

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const script = SCRIPTS[path];
    if (script) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      fs.createReadStream(script).pipe(res);
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
