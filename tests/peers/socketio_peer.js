'use strict';
// A Socket.IO 4 server for wsblock's tests, on the npm `socket.io` package (4.8).
//
//   node tests/peers/socketio_peer.js [PORT]     (0 or none: a free port)
//
// Prints "listening PORT" once ready. Path /socket.io/ (the default). Namespace "/":
//   on connect        emits `welcome` {id, sid}: id is a fresh number per connection
//   `echo` ...args    emits `echo` with the same arguments (binary ones stay binary)
//   `add` {a, b}, ack the acknowledgement is {sum: a + b}
//   `ticks` {count, interval}  emits `tick` {n} for n = 1..count, every interval ms (10)
//   `bytes` n, ack    the acknowledgement is a Buffer of n bytes 0, 1, 2, ...
//   `quiz` {q}        the server asks back: emits `ask` {q} with an ack id (it asks the
//                     client for an acknowledgement); once the client acknowledges, emits
//                     `answered` {args: [...the acknowledgement's arguments]}
//   `bye`             the server disconnects the socket
// Namespace "/admin": the handshake's auth must be {token: "s3cret"}, else connect_error
// "unauthorized"; on connect emits `hello` {admin: true}; `whoami`, ack -> {admin: true}.
// Pings every 300 ms (pingInterval), so that tests see the protocol's ping being answered.

let Server;
try {
  ({ Server } = require('socket.io'));
} catch (err) {
  console.error('socketio_peer: npm socket.io is missing: run `npm install --prefix tests/peers`');
  process.exit(3);
}
const http = require('http');

const server = http.createServer();
const io = new Server(server, { pingInterval: 300, pingTimeout: 2000, transports: ['websocket'] });
let nextId = 1;

io.on('connection', (socket) => {
  socket.emit('welcome', { id: nextId++, sid: socket.id });
  socket.on('echo', (...args) => {
    if (typeof args[args.length - 1] === 'function') args.pop()(...args);
    socket.emit('echo', ...args);
  });
  socket.on('add', (args, ack) => {
    const sum = Number(args && args.a) + Number(args && args.b);
    if (typeof ack === 'function') ack({ sum });
  });
  socket.on('ticks', (args) => {
    const count = Number((args && args.count) || 3);
    const interval = Number((args && args.interval) || 10);
    let n = 0;
    const timer = setInterval(() => {
      n += 1;
      socket.emit('tick', { n });
      if (n >= count) clearInterval(timer);
    }, interval);
    socket.on('disconnect', () => clearInterval(timer));
  });
  socket.on('bytes', (n, ack) => {
    const buf = Buffer.alloc(Number(n) || 0);
    for (let i = 0; i < buf.length; i++) buf[i] = i % 256;
    if (typeof ack === 'function') ack(buf);
  });
  socket.on('quiz', (args) => {
    socket.emit('ask', { q: args && args.q }, (...reply) => {
      socket.emit('answered', { args: reply });
    });
  });
  socket.on('bye', () => socket.disconnect(true));
});

const admin = io.of('/admin');
admin.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  if (auth.token === 's3cret') return next();
  next(new Error('unauthorized'));
});
admin.on('connection', (socket) => {
  socket.emit('hello', { admin: true });
  socket.on('whoami', (ack) => {
    if (typeof ack === 'function') ack({ admin: true });
  });
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
