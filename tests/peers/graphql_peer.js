'use strict';
// A GraphQL over WebSocket server for wsblock's tests, on the npm `graphql-ws` (5.16)
// and `graphql` packages, plus a small server of the older subscriptions-transport-ws
// protocol (`graphql-ws` subprotocol) written here on npm `ws`.
//
//   node tests/peers/graphql_peer.js [PORT]     (0 or none: a free port)
//
// Prints "listening PORT" once ready. Paths:
//   /graphql   graphql-transport-ws (the graphql-ws library). connection_init's payload
//              must not hold {token: "wrong"}: that one is refused (close 4403 Forbidden).
//   /legacy    subscriptions-transport-ws: connection_init/ack, start/data/complete/stop, ka.
// Schema:
//   type Query { hello(name: String): String, add(a: Int!, b: Int!): Int }
//   type Subscription { countdown(from: Int!): Int }   (from, from-1, ..., 0, then complete)

let graphql, useServer, WebSocketServer;
try {
  graphql = require('graphql');
  ({ useServer } = require('graphql-ws/lib/use/ws'));
  ({ WebSocketServer } = require('ws'));
} catch (err) {
  console.error('graphql_peer: npm graphql-ws/graphql/ws missing: run `npm install --prefix tests/peers`');
  process.exit(3);
}
const http = require('http');

const schema = graphql.buildSchema(`
  type Query { hello(name: String): String, add(a: Int!, b: Int!): Int }
  type Subscription { countdown(from: Int!): Int }
`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const roots = {
  query: {
    hello: ({ name }) => `hello ${name || 'world'}`,
    add: ({ a, b }) => a + b,
  },
  subscription: {
    countdown: async function* ({ from }) {
      for (let i = from; i >= 0; i--) {
        await sleep(10);
        yield { countdown: i };
      }
    },
  },
};

const server = http.createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('WebSocket only\n');
});

const modern = new WebSocketServer({ noServer: true });
useServer(
  {
    schema,
    roots,
    onConnect: (ctx) => {
      const payload = ctx.connectionParams || {};
      return payload.token !== 'wrong';
    },
  },
  modern
);

const legacy = new WebSocketServer({
  noServer: true,
  handleProtocols: (protocols) => (protocols.has('graphql-ws') ? 'graphql-ws' : false),
});
legacy.on('connection', (ws) => {
  const running = new Map();
  const send = (msg) => ws.send(JSON.stringify(msg));
  let ka = null;
  ws.on('close', () => {
    if (ka) clearInterval(ka);
    for (const stop of running.values()) stop();
  });
  ws.on('message', async (data) => {
    let msg;
    try {
      msg = JSON.parse(String(data));
    } catch (err) {
      send({ type: 'connection_error', payload: { message: 'not JSON' } });
      return;
    }
    if (msg.type === 'connection_init') {
      if (msg.payload && msg.payload.token === 'wrong') {
        send({ type: 'connection_error', payload: { message: 'Forbidden' } });
        ws.close(1011, 'Forbidden');
        return;
      }
      send({ type: 'connection_ack' });
      send({ type: 'ka' });
      ka = setInterval(() => send({ type: 'ka' }), 300);
    } else if (msg.type === 'start') {
      const { query, variables, operationName } = msg.payload || {};
      let document;
      try {
        document = graphql.parse(query);
      } catch (err) {
        send({ id: msg.id, type: 'error', payload: [{ message: err.message }] });
        return;
      }
      const op = graphql.getOperationAST(document, operationName);
      const args = { schema, document, variableValues: variables, operationName };
      if (op && op.operation === 'subscription') {
        const result = await graphql.subscribe({ ...args, rootValue: roots.subscription });
        if (!result[Symbol.asyncIterator]) {
          send({ id: msg.id, type: 'data', payload: result });
          send({ id: msg.id, type: 'complete' });
          return;
        }
        let stopped = false;
        running.set(msg.id, () => {
          stopped = true;
          if (result.return) result.return();
        });
        for await (const value of result) {
          if (stopped) break;
          send({ id: msg.id, type: 'data', payload: value });
        }
        running.delete(msg.id);
        if (!stopped) send({ id: msg.id, type: 'complete' });
      } else {
        const result = await graphql.execute({ ...args, rootValue: roots.query });
        send({ id: msg.id, type: 'data', payload: result });
        send({ id: msg.id, type: 'complete' });
      }
    } else if (msg.type === 'stop') {
      const stop = running.get(msg.id);
      if (stop) stop();
      running.delete(msg.id);
      send({ id: msg.id, type: 'complete' });
    } else if (msg.type === 'connection_terminate') {
      ws.close(1000, 'terminated');
    }
  });
});

server.on('upgrade', (req, socket, head) => {
  const path = new URL(req.url, 'http://peer').pathname;
  const target = path === '/legacy' ? legacy : path === '/graphql' ? modern : null;
  if (target === null) {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  target.handleUpgrade(req, socket, head, (ws) => target.emit('connection', ws, req));
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
