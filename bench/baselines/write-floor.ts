import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { answerQueries } from '../lib.js';

/**
 * The floor of bench/fanout.ts: the least a graphql-ws server can do per event. It speaks just enough
 * graphql-transport-ws for the bench's clients (ack, subscribe, pong), runs no GraphQL at all, and on each status
 * change serializes the payload once and writes it, with each subscriber's id, to every socket through `ws` — the
 * socket writes and nothing else. Same payload shape and size as the product's and the naive baseline's. No server
 * can deliver to N sockets faster than this on the same machine: the product's and the naive server's p99 are judged
 * against it too.
 */

interface Member {
  ws: WebSocket;
  id: string;
}

export async function serveWriteFloor(): Promise<void> {
  const members = new Set<Member>();
  const configuration = { id: 'c1', name: 'bench', status: 'ACTIVE' };

  const broadcast = (previousStatus: string) => {
    const payload = JSON.stringify({
      data: {
        statusChanged: { previousStatus, status: configuration.status, at: new Date().toISOString(), channelConfiguration: configuration },
      },
    });
    for (const m of members) m.ws.send(`{"id":${JSON.stringify(m.id)},"type":"next","payload":${payload}}`);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string };
      const status = /status: "(\w+)"/.exec(body.query)?.[1];
      const previousStatus = configuration.status;
      if (status) configuration.status = status;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { setStatus: Boolean(status) } }));
      // After the answer, as the product does.
      if (status) setImmediate(() => broadcast(previousStatus));
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    const own: Member[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string };
      if (message.type === 'connection_init') ws.send('{"type":"connection_ack"}');
      else if (message.type === 'ping') ws.send('{"type":"pong"}');
      else if (message.type === 'subscribe' && message.id) {
        const member = { ws, id: message.id };
        own.push(member);
        members.add(member);
      } else if (message.type === 'complete') for (const m of own) if (m.id === message.id) members.delete(m);
    });
    ws.on('close', () => {
      for (const m of own) members.delete(m);
    });
  });
  answerQueries({ count: () => members.size });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  process.on('SIGTERM', () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, key: 'none', configId: 'c1' })}\n`);
}
