import { EventEmitter, on } from 'node:events';
import http from 'node:http';
import { buildSchema, execute, parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { answerQueries } from '../lib.js';

/**
 * The stock baseline of bench/fanout.ts: graphql-ws on ws with a graphql-js schema, broadcasting the way the
 * library does out of the box — every subscriber has its own async iterator and its own execution and
 * serialization of each event. The mutation is a plain POST executed by graphql-js. Same payload shape as the
 * product's channelConfigurationStatusChanged.
 */

const schema = buildSchema(`
  type Query { hello: String }
  type Configuration { id: ID! name: String! status: String! }
  type StatusEvent { previousStatus: String, status: String!, at: String!, channelConfiguration: Configuration! }
  type Mutation { setStatus(id: ID!, status: String!): Boolean }
  type Subscription { statusChanged(id: ID!): StatusEvent! }
`);

interface Configuration {
  id: string;
  name: string;
  status: string;
  version: number;
}

export async function serveNaiveBroadcast(): Promise<void> {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const configurations = new Map<string, Configuration>([['c1', { id: 'c1', name: 'bench', status: 'ACTIVE', version: 1 }]]);
  let subscribers = 0;

  const rootValue = {
    hello: () => 'world',
    setStatus: ({ id, status }: { id: string; status: string }) => {
      const c = configurations.get(id);
      if (!c) return false;
      const previousStatus = c.status;
      c.status = status;
      c.version += 1;
      events.emit('status', { id, previousStatus, status, at: new Date().toISOString(), statusVersion: c.version });
      return true;
    },
    statusChanged: async function* ({ id }: { id: string }) {
      subscribers += 1;
      try {
        for await (const [event] of on(events, 'status') as AsyncIterable<[{ id: string }]>) {
          if (event.id !== id) continue;
          yield { statusChanged: { ...event, channelConfiguration: configurations.get(id) } };
        }
      } finally {
        subscribers -= 1;
      }
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown> };
      const result = execute({ schema, document: parse(body.query), rootValue, variableValues: body.variables });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql', perMessageDeflate: false });
  useServer(
    {
      schema,
      roots: { query: rootValue, mutation: rootValue, subscription: rootValue },
    },
    wss,
  );
  answerQueries({ count: () => subscribers });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  process.on('SIGTERM', () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, key: 'none', configId: 'c1' })}\n`);
}
