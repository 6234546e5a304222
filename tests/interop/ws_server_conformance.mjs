// Conformance of our WebSocket clients (net::lean_ws_client and, for comparison,
// net::ws_client on websocketpp) against the strict server of npm's `ws` 8.18.3 (pinned with
// package-lock.json), issue 16.
//
//   node ws_server_conformance.mjs [--client PATH_TO_ws_conformance_client] [--timeout SECONDS]
//
// Starts a `ws` WebSocketServer on 127.0.0.1 port 0 and prints `listening <port>` on stdout.
// Each connection's path selects what the server does (see BEHAVIOURS); the client names
// itself in the query (`/echo?client=lean`). With --client the script runs that driver as
// `PATH ws://127.0.0.1:<port>`, waits for it (bounded by --timeout, default 60 s) and then
// judges the server's side. Without it, it serves until stdin ends (run the driver by hand),
// then judges what it saw.
//
// Server-driven paths make the client echo every text message it receives; the server
// compares the echo with what it sent and closes with 1000 "verified", or with 4000 and the
// first difference as the reason (the driver asserts 1000 "verified"). On every connection
// the server also records `ws`'s own 'error' events: `ws` fails a connection on any client
// protocol error (unmasked frame, bad opcode, RSV bits, bad close code, invalid UTF-8, a
// fragmented control frame, ...) with 1002/1007. Any error, any handshake `ws` refused
// (wsClientError) or any unmet expectation is printed as `FAIL ...` and the exit code is 1.
// Before the driver runs, a raw socket sends `ws` an unmasked frame (/self-test-unmasked),
// which must be its one expected error: proof that the detection is live. (A client that
// sends the invalid UTF-8 of /invalid-utf8-from-client must be failed by `ws` as well.)

import { spawn } from 'node:child_process';
import net from 'node:net';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
let clientPath = null;
let timeoutSeconds = 60;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--client' && i + 1 < args.length) clientPath = args[++i];
  else if (args[i] === '--timeout' && i + 1 < args.length) timeoutSeconds = Number(args[++i]);
  else {
    console.error(`usage: node ws_server_conformance.mjs [--client PATH] [--timeout SECONDS]; unknown argument: ${args[i]}`);
    process.exit(2);
  }
}
if (!(timeoutSeconds > 0)) {
  console.error('--timeout: not a positive number of seconds');
  process.exit(2);
}

// ---- data (the driver generates the same /echo list and knows the expected sizes) --------
const MiB = 1 << 20;
// 16 bytes with a 3-byte character: 65,536 of them are exactly 1 MiB, cut at a character.
const bigText = Buffer.from('relayload \u2713 12'.repeat(MiB / 16), 'utf8');
// Multibyte characters that the 7-byte fragments below cut in the middle.
const utf8Text = Buffer.from('fragmented: h\u00e9llo w\u00f6rld \u2014 \u2603 \ud83c\udf0d end', 'utf8');
const ECHO_COUNT = 9;       // messages the driver sends on /echo
const OVERSIZE = 65536 + 1; // the driver's max_message_size for /oversize is 65,536
const CONN_DEADLINE_MS = 15000;

function pieces(buf, size) {
  const out = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, Math.min(i + size, buf.length)));
  return out;
}

// ---- per-connection records ------------------------------------------------------------
const records = [];
const globalProblems = [];

function closeWith(rec, ws, problem) {
  if (problem) rec.problems.push(problem);
  if (ws.readyState !== ws.OPEN) return;
  if (problem) ws.close(4000, problem.slice(0, 120));
  else ws.close(1000, 'verified');
}

// Server-driven: send `msg` (one Buffer, as text) the way `sendFn` does, expect it echoed.
function expectEcho(rec, ws, expected, onEcho) {
  rec.expectEcho = (data) => {
    if (!Buffer.isBuffer(data) || !data.equals(expected)) {
      const got = Buffer.isBuffer(data) ? data.length : typeof data;
      return closeWith(rec, ws, `echo differs from what was sent (${got} bytes, sent ${expected.length})`);
    }
    if (onEcho) onEcho();
    else closeWith(rec, ws, null);
  };
}

const BEHAVIOURS = {
  // Client-driven: echo every message; the client closes with 1000 "bye" after ECHO_COUNT.
  '/echo': {
    start(rec, ws) { rec.echoAll = true; },
    judge(rec) {
      const p = [];
      if (rec.messages !== ECHO_COUNT) p.push(`expected ${ECHO_COUNT} messages, got ${rec.messages}`);
      if (rec.closeCode !== 1000 || rec.closeReason !== 'bye') p.push(`expected close 1000 "bye", got ${rec.closeCode} "${rec.closeReason}"`);
      return p;
    },
  },
  // A text message in 7-byte fragments (multibyte characters cut across frames) with an empty
  // continuation frame in the middle.
  '/fragmented': {
    start(rec, ws) {
      const parts = pieces(utf8Text, 7);
      parts.splice(2, 0, Buffer.alloc(0));
      parts.forEach((p, i) => ws.send(p, { binary: false, fin: i === parts.length - 1 }));
      expectEcho(rec, ws, utf8Text);
    },
    judge: verified,
  },
  // Pings between the fragments of one message: answered while the message is partial.
  '/ping-inside-fragments': {
    start(rec, ws) {
      const parts = pieces(utf8Text, Math.ceil(utf8Text.length / 3));
      ws.send(parts[0], { binary: false, fin: false });
      ws.ping(Buffer.from('p1'));
      ws.send(parts[1], { binary: false, fin: false });
      ws.ping(Buffer.from('p2'));
      ws.send(parts[2], { binary: false, fin: true });
      expectEcho(rec, ws, utf8Text, () => {
        const got = rec.pongs.join(',');
        if (got !== 'p1,p2') return closeWith(rec, ws, `pongs before the echo: [${got}], expected [p1,p2]`);
        closeWith(rec, ws, null);
      });
    },
    judge: verified,
  },
  // 1 MiB in 16 fragments of 64 KiB with a ping between each two.
  '/fragmented-big': {
    start(rec, ws) {
      const parts = pieces(bigText, 65536);
      parts.forEach((p, i) => {
        ws.send(p, { binary: false, fin: i === parts.length - 1 });
        if (i + 1 < parts.length) ws.ping(Buffer.from(`f${i}`));
      });
      expectEcho(rec, ws, bigText, () => {
        const want = parts.slice(1).map((_, i) => `f${i}`).join(',');
        const got = rec.pongs.join(',');
        if (got !== want) return closeWith(rec, ws, `pongs [${got.slice(0, 60)}...], expected 15 in order`);
        closeWith(rec, ws, null);
      });
    },
    judge: verified,
  },
  // One 1 MiB text message in one frame.
  '/big': {
    start(rec, ws) {
      ws.send(bigText, { binary: false });
      expectEcho(rec, ws, bigText);
    },
    judge: verified,
  },
  // 1,000 small messages written in one go (they arrive coalesced); echoed in order.
  '/many': {
    start(rec, ws) {
      const n = 1000;
      let next = 0;
      for (let i = 0; i < n; ++i) ws.send(`m${i}`);
      rec.expectEcho = (data) => {
        if (data.toString('utf8') !== `m${next}`) return closeWith(rec, ws, `echo ${next} was "${data.toString('utf8').slice(0, 20)}"`);
        if (++next === n) closeWith(rec, ws, null);
      };
    },
    judge: verified,
  },
  // Pings with an empty, a short and a 125-byte payload: each answered with the same payload.
  '/server-ping': {
    start(rec, ws) {
      const payloads = ['', 'hello-ping', 'x'.repeat(125)];
      for (const p of payloads) ws.ping(Buffer.from(p));
      rec.onPong = () => {
        if (rec.pongs.length < payloads.length) return;
        const same = payloads.every((p, i) => rec.pongs[i] === p);
        closeWith(rec, ws, same ? null : `pongs [${rec.pongs.map((p) => p.length)}] differ from pings`);
      };
    },
    judge: verified,
  },
  // The server closes with a code and a reason; the client answers the handshake.
  '/close-1001-with-reason': {
    start(rec, ws) { ws.close(1001, 'server going away'); },
    judge: answeredClose,
  },
  // The server closes without a status code (the client sees 1005).
  '/close-no-code': {
    start(rec, ws) { ws.close(); },
    judge: answeredClose,
  },
  // A binary message: our clients take text only and close with 1003.
  '/binary': {
    start(rec, ws) { ws.send(Buffer.from([1, 2, 3]), { binary: true }); },
    judge: (rec) => clientClosedWith(rec, 1003),
  },
  // Text that is not UTF-8 (ws sends a Buffer as text unchecked): the client closes with 1007.
  '/invalid-utf8-from-server': {
    start(rec, ws) { ws.send(Buffer.from([0x6f, 0x6b, 0xc3, 0x28]), { binary: false }); },
    judge: (rec) => clientClosedWith(rec, 1007),
  },
  // Text whose last character is cut off (ends in the first byte of a 4-byte sequence), in one
  // frame and in 7-byte fragments: the client must check that a message ends on a whole
  // character and close with 1007. net::ws_client (websocketpp) is known to deliver it; the
  // server then closes with 1000 "not refused" after 2 s and the driver notes the deviation.
  '/utf8-truncated': {
    start(rec, ws) { sendTruncated(rec, ws, false); },
    judge: truncatedJudge,
  },
  '/utf8-truncated-fragmented': {
    start(rec, ws) { sendTruncated(rec, ws, true); },
    judge: truncatedJudge,
  },
  // One byte above the driver's max_message_size: the client closes with 1009.
  '/oversize': {
    start(rec, ws) { ws.send('x'.repeat(OVERSIZE)); },
    judge: (rec) => clientClosedWith(rec, 1009),
  },
  // The client closes without a status code: `ws` sees 1005.
  '/client-close-no-code': {
    start() {},
    judge(rec) {
      return rec.closeCode === 1005 ? [] : [`expected the client's close without a code (1005), got ${rec.closeCode}`];
    },
  },
  // The client sends text that is not UTF-8. websocketpp refuses to send it (the driver then
  // closes with 1000 "send refused"); a client that sends it must be closed by `ws` (1007).
  '/invalid-utf8-from-client': {
    start() {},
    expectedErrors(rec) { return rec.errors.length ? ['WS_ERR_INVALID_UTF8'] : []; },
    judge(rec) {
      if (rec.errors.length) return [];
      return rec.closeCode === 1000 && rec.closeReason === 'send refused'
        ? [] : [`expected ws to fail on invalid UTF-8, or close 1000 "send refused"; got ${rec.closeCode} "${rec.closeReason}"`];
    },
  },
  // Self-test of the error detection every other case relies on (not a client of ours): a raw
  // socket sends an unmasked frame, which `ws` must fail with WS_ERR_EXPECTED_MASK.
  '/self-test-unmasked': {
    start() {},
    expectedErrors() { return ['WS_ERR_EXPECTED_MASK']; },
    judge() { return []; },
  },
};

function sendTruncated(rec, ws, fragmented) {
  const cut = utf8Text.subarray(0, 35);  // ends in 0xF0, the first byte of U+1F30D
  if (fragmented) {
    const parts = pieces(cut, 7);
    parts.forEach((p, i) => ws.send(p, { binary: false, fin: i === parts.length - 1 }));
  } else {
    ws.send(cut, { binary: false });
  }
  rec.expectEcho = () => {};  // a client that took it must not echo it (ws would fail it)
  const t = setTimeout(() => { if (ws.readyState === ws.OPEN) ws.close(1000, 'not refused'); }, 2000);
  ws.on('close', () => clearTimeout(t));
}
function truncatedJudge(rec) {
  if (rec.client === 'websocketpp' && rec.closeCode === 1000 && rec.closeReason === 'not refused') return [];
  return clientClosedWith(rec, 1007);
}

function verified(rec) {
  // The server closed with 1000 "verified" and saw the client's answer to it.
  const p = [...rec.problems];
  if (!rec.sentVerified) p.push('the server never verified the exchange');
  if (rec.closeCode === 1006) p.push('the client did not answer the close handshake (1006)');
  return p;
}
function answeredClose(rec) {
  return rec.closeCode === 1006 ? ['the client did not answer the close handshake (1006)'] : [];
}
function clientClosedWith(rec, code) {
  return rec.closeCode === code ? [] : [`expected the client to close with ${code}, got ${rec.closeCode} "${rec.closeReason}"`];
}

// ---- the server ---------------------------------------------------------------------------
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('error', (e) => globalProblems.push(`server error: ${e.message}`));
wss.on('wsClientError', (e, socket, req) => {
  globalProblems.push(`ws refused a handshake (${req.url}): ${e.code || ''} ${e.message}`);
});
await new Promise((resolve) => wss.once('listening', resolve));
const port = wss.address().port;
console.log(`listening ${port}`);

wss.on('connection', (ws, req) => {
  const u = new URL(req.url, 'http://x');
  const rec = {
    path: u.pathname, client: u.searchParams.get('client') || '?', messages: 0, pongs: [],
    errors: [], problems: [], closeCode: null, closeReason: '', sentVerified: false,
  };
  records.push(rec);
  if (req.headers.host !== `127.0.0.1:${port}`) rec.problems.push(`Host header "${req.headers.host}"`);
  if (req.headers['sec-websocket-extensions']) rec.problems.push(`extensions offered without --compression: ${req.headers['sec-websocket-extensions']}`);
  const behaviour = BEHAVIOURS[rec.path];
  const deadline = setTimeout(() => {
    rec.problems.push(`not finished after ${CONN_DEADLINE_MS} ms`);
    ws.terminate();
  }, CONN_DEADLINE_MS);
  ws.on('error', (e) => rec.errors.push(e.code || e.message));
  ws.on('pong', (data) => {
    rec.pongs.push(data.toString('utf8'));
    if (rec.onPong) rec.onPong();
  });
  ws.on('message', (data, isBinary) => {
    ++rec.messages;
    if (isBinary) return closeWith(rec, ws, 'a binary message from the client');
    if (rec.echoAll) return ws.send(data, { binary: false });
    if (rec.expectEcho) return rec.expectEcho(data);
    return closeWith(rec, ws, `unexpected message (${data.length} bytes)`);
  });
  ws.on('close', (code, reason) => {
    clearTimeout(deadline);
    rec.closeCode = code;
    rec.closeReason = reason.toString('utf8');
  });
  const origClose = ws.close.bind(ws);
  ws.close = (code, reason) => {
    if (code === 1000 && reason === 'verified') rec.sentVerified = true;
    return origClose(code, reason);
  };
  if (!behaviour) {
    rec.problems.push(`unknown path ${rec.path}`);
    ws.close(4004, 'unknown path');
    return;
  }
  behaviour.start(rec, ws);
});

// ---- run the driver (or wait for stdin to end), then judge ---------------------------------
let driverCode = 0;
const hardDeadline = setTimeout(() => {
  console.log(`FAIL: not finished after ${timeoutSeconds} s`);
  process.exit(1);
}, timeoutSeconds * 1000);

// The self-test: a hand-made upgrade, then an unmasked text frame "hi".
await new Promise((resolve) => {
  const sock = net.connect(port, '127.0.0.1');
  let upgraded = false;
  const done = () => { sock.destroy(); resolve(); };
  const limit = setTimeout(() => { globalProblems.push('self-test: no answer in 5 s'); done(); }, 5000);
  sock.on('connect', () => sock.write('GET /self-test-unmasked?client=self-test HTTP/1.1\r\n' +
    `Host: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'));
  sock.on('data', (d) => {
    if (!upgraded && d.toString('latin1').startsWith('HTTP/1.1 101')) {
      upgraded = true;
      sock.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
    } else if (upgraded) {  // ws's close frame
      clearTimeout(limit);
      done();
    }
  });
  sock.on('error', () => {});
  sock.on('close', () => { clearTimeout(limit); resolve(); });
});

if (clientPath) {
  driverCode = await new Promise((resolve) => {
    const child = spawn(clientPath, [`ws://127.0.0.1:${port}`], { stdio: ['ignore', 'inherit', 'inherit'] });
    const kill = setTimeout(() => {
      console.log(`FAIL: the driver did not finish in ${timeoutSeconds - 5} s; killing it`);
      child.kill('SIGKILL');
    }, (timeoutSeconds - 5) * 1000);
    child.on('error', (e) => { clearTimeout(kill); console.log(`FAIL: cannot run ${clientPath}: ${e.message}`); resolve(125); });
    child.on('exit', (code, signal) => { clearTimeout(kill); resolve(code === null ? 128 : code); });
  });
} else {
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
}

// Let the last close events arrive (every connection ends within CONN_DEADLINE_MS).
const settleUntil = Date.now() + CONN_DEADLINE_MS + 1000;
while (records.some((r) => r.closeCode === null) && Date.now() < settleUntil) {
  await new Promise((r) => setTimeout(r, 20));
}

let failures = 0;
for (const rec of records) {
  const behaviour = BEHAVIOURS[rec.path];
  const problems = [...(behaviour ? behaviour.judge(rec) : []), ...rec.problems];
  const expected = behaviour && behaviour.expectedErrors ? behaviour.expectedErrors(rec) : [];
  if (rec.errors.join(',') !== expected.join(',')) {
    problems.push(`ws errors [${rec.errors.join(', ')}], expected [${expected.join(', ')}]`);
  }
  if (rec.closeCode === null) problems.push('never closed');
  const what = `${rec.client} ${rec.path} (ws saw close ${rec.closeCode}${rec.closeReason ? ` "${rec.closeReason}"` : ''}${rec.errors.length ? `, errors ${rec.errors.join(',')}` : ''})`;
  if (problems.length) {
    ++failures;
    console.log(`FAIL server: ${what}: ${[...new Set(problems)].join('; ')}`);
  } else {
    console.log(`ok   server: ${what}`);
  }
}
if (clientPath) {
  // Every behaviour, once per client the driver runs.
  const clients = [...new Set(records.map((r) => r.client))];
  for (const client of ['lean', 'websocketpp']) {
    for (const path of Object.keys(BEHAVIOURS).filter((p) => p !== '/self-test-unmasked')) {
      const n = records.filter((r) => r.client === client && r.path === path).length;
      if (n !== 1) { ++failures; console.log(`FAIL server: ${client} ${path}: ${n} connections, expected 1 (clients seen: ${clients.join(', ')})`); }
    }
  }
}
if (records.filter((r) => r.path === '/self-test-unmasked').length !== 1) {
  ++failures;
  console.log('FAIL server: the self-test connection did not happen');
}
for (const p of globalProblems) { ++failures; console.log(`FAIL server: ${p}`); }
if (driverCode !== 0) console.log(`FAIL: the driver exited with ${driverCode}`);
console.log(`${records.length} connections, ${failures} server-side failures, driver exit ${driverCode}`);
clearTimeout(hardDeadline);
wss.close();
process.exit(failures === 0 && driverCode === 0 ? 0 : 1);
