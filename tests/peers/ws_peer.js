'use strict';
// An independent WebSocket server for wsblock's tests, on the npm `ws` package (v8).
//
//   node tests/peers/ws_peer.js [PORT]     (0 or none: a free port)
//
// Prints "listening PORT" once ready. Paths:
//   /echo (and any other)      echoes every message (text as text, binary as binary)
//   /headers                   first message: JSON {path, query, headers: [[name, value]...], protocol}
//   /query                     first message: JSON of the query parameters
//   /subprotocol               first message: JSON {protocol}; chat and graphql-transport-ws
//                              are negotiated on every path
//   /first                     the server speaks first: "hello from ws"
//   /close?code=4001&reason=bye  the server closes with that code and reason
//   /reject?status=401&body=...  the handshake is refused with that status and body
//   /flood?n=N&size=S          N text messages of S bytes, then close 1000
// permessage-deflate is offered (threshold 0: every message compressed).

let WebSocketServer;
try {
  ({ WebSocketServer } = require('ws'));
} catch (err) {
  console.error('ws_peer: the npm package ws is missing: run `npm install --prefix tests/peers`');
  process.exit(3);
}
const http = require('http');

const PROTOCOLS = ['chat', 'graphql-transport-ws'];

const server = http.createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('WebSocket only\n');
});

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: { threshold: 0 },
  handleProtocols: (protocols) => {
    for (const p of protocols) if (PROTOCOLS.includes(p)) return p;
    return false;
  },
});

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://peer');
  if (url.pathname === '/reject') {
    const status = Number(url.searchParams.get('status') || 401);
    const body = url.searchParams.get('body') || 'unauthorized by the ws peer';
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] || 'Error'}\r\n` +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'WWW-Authenticate: Bearer realm="ws-peer"\r\n' +
        'X-Peer: ws\r\n' +
        'Connection: close\r\n\r\n' +
        body
    );
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => route(ws, req, url));
});

function route(ws, req, url) {
  const q = url.searchParams;
  switch (url.pathname) {
    case '/headers': {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      ws.send(JSON.stringify({ path: url.pathname, query: Object.fromEntries(q), headers, protocol: ws.protocol }));
      break;
    }
    case '/query':
      ws.send(JSON.stringify(Object.fromEntries(q)));
      break;
    case '/subprotocol':
      ws.send(JSON.stringify({ protocol: ws.protocol }));
      break;
    case '/first':
      ws.send('hello from ws');
      break;
    case '/close':
      ws.close(Number(q.get('code') || 4001), q.get('reason') ?? 'bye');
      return;
    case '/flood': {
      const n = Number(q.get('n') || 1000);
      const payload = 'x'.repeat(Number(q.get('size') || 64));
      for (let i = 0; i < n; i++) ws.send(payload);
      ws.close(1000, 'flood done');
      return;
    }
  }
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
}

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
