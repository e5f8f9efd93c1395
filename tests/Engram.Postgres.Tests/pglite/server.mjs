// PGlite (PostgreSQL in WebAssembly, with pgvector) served over the PostgreSQL wire protocol on a loopback port, for
// the pgvector path of Engram.Postgres.Tests. Usage: node server.mjs --port PORT [--host 127.0.0.1]
//
// PGlite has one session, so one client is served at a time; the others wait in line until it disconnects. The bytes a
// client sends are cut into whole protocol messages before PGlite sees them: a pipelined batch (NpgsqlBatch) or a large
// statement arrives in several TCP reads, and a message split across two reads must not reach PGlite in halves
// (npm @electric-sql/pglite-socket 0.0.20 passed each read as it came, which broke on such messages).
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const db = new PGlite('memory://', { extensions: { vector } });
await db.waitReady;

// Startup-phase request codes (no type byte): SSLRequest and GSSENCRequest are refused with 'N'; a CancelRequest is ignored.
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

const waiting = [];
let busy = false;

function next() {
  busy = false;
  while (waiting.length > 0) {
    const socket = waiting.shift();
    if (!socket.destroyed) {
      serve(socket);
      return;
    }
  }
}

function serve(socket) {
  busy = true;
  let buffer = Buffer.alloc(0);
  let started = false;
  let chain = Promise.resolve();
  let done = false;
  const finish = () => {
    if (!done) {
      done = true;
      chain.finally(next);
    }
  };

  socket.on('close', finish);
  socket.on('error', () => socket.destroy());
  socket.on('data', (data) => {
    buffer = Buffer.concat([buffer, data]);
    const messages = [];
    while (true) {
      if (!started) {
        if (buffer.length < 8) break;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) break;
        const code = buffer.readInt32BE(4);
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          messages.push({ reply: Buffer.from('N') });
        } else if (code === CANCEL_REQUEST) {
          socket.end();
          return;
        } else {
          started = true;
          messages.push({ wire: message });
        }
      } else {
        if (buffer.length < 5) break;
        const length = buffer.readInt32BE(1) + 1;
        if (buffer.length < length) break;
        messages.push({ wire: buffer.subarray(0, length) });
        buffer = buffer.subarray(length);
      }
    }

    if (messages.length === 0) return;
    // Whole messages only, in arrival order; consecutive wire messages go to PGlite together.
    chain = chain.then(async () => {
      let pending = [];
      const flush = async () => {
        if (pending.length === 0) return;
        const response = await db.execProtocolRaw(new Uint8Array(Buffer.concat(pending)));
        pending = [];
        if (response.length > 0 && socket.writable) socket.write(Buffer.from(response));
      };
      for (const message of messages) {
        if (message.reply) {
          await flush();
          if (socket.writable) socket.write(message.reply);
        } else {
          pending.push(message.wire);
        }
      }
      await flush();
    }).catch((error) => {
      console.error('pglite: ', error);
      socket.destroy();
    });
  });
}

const server = createServer((socket) => {
  if (busy) {
    waiting.push(socket);
  } else {
    serve(socket);
  }
});
server.listen(Number(values.port), values.host, () => console.log(`PGlite listening on ${values.host}:${values.port}`));
