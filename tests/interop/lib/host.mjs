// Talks to relay_host, the C++ program that runs the embedded relay and this script.
//
// The control protocol is line based. The script writes `@@relay <command>` on its
// stdout; the host performs the fault hook and answers on the script's stdin with `ok`
// (`ok <text>` when the command returns something) or `error <message>`. One request at a time: a reply is matched to the oldest
// outstanding request, so callers must not interleave hooks (they are awaited anyway).
//
// Commands: disconnect_all, restart keep, restart lose, pause, resume; `wallet ...` and
// `dapp ...` drive relay_host's C++ wallet and dApp (see relay_host.cpp).

import { createInterface } from 'node:readline';

/** True when the script runs under relay_host (it sets this variable). */
export const underHost = process.env.RELAYLOAD_INTEROP_HOST === '1';

const waiting = [];  // resolvers of outstanding requests, oldest first
let lines = null;
let closing = false;

function ensureReader() {
  if (lines) return;
  lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (!next) {
      reportUnexpected(line);
      return;
    }
    if (line === 'ok') next.resolve('');
    else if (line.startsWith('ok ')) next.resolve(line.slice(3));
    else if (line.startsWith('error')) next.reject(new Error(`relay hook "${next.command}" failed: ${line.slice(5).trim() || '(no message)'}`));
    else next.reject(new Error(`relay hook "${next.command}": unexpected reply ${JSON.stringify(line)}`));
  });
  lines.on('close', () => {
    if (closing) return;
    // relay_host keeps our stdin open until we exit: EOF means it died (killed by a test
    // timeout, crashed). Do not linger as an orphan holding sockets.
    process.stderr.write('host.mjs: relay_host closed stdin (it exited); giving up\n');
    process.exit(2);
  });
}

if (underHost) ensureReader();

function reportUnexpected(line) {
  // A reply nobody asked for means the two sides disagree about the protocol; make it loud.
  process.stderr.write(`host.mjs: unexpected line from relay_host: ${JSON.stringify(line)}\n`);
}

/**
 * Asks the host to run a command and resolves once it has been carried out, with the text
 * after `ok ` ('' for a bare `ok`).
 * Rejects with a clear message when not running under relay_host, on `error <msg>`,
 * or when no reply arrives within `timeoutMs`.
 */
export function relayHook(command, { timeoutMs = 10000 } = {}) {
  if (!underHost) {
    return Promise.reject(new Error(
      `relay hook "${command}" needs relay_host (RELAYLOAD_INTEROP_HOST=1 is not set); ` +
      'run this script through relay_host, not against an external relay'));
  }
  ensureReader();
  return new Promise((resolve, reject) => {
    const entry = { command, resolve, reject };
    const timer = setTimeout(() => {
      const i = waiting.indexOf(entry);
      if (i >= 0) waiting.splice(i, 1);
      reject(new Error(`relay hook "${command}": no reply from relay_host within ${timeoutMs} ms`));
    }, timeoutMs);
    entry.resolve = (text) => { clearTimeout(timer); resolve(text); };
    entry.reject = (e) => { clearTimeout(timer); reject(e); };
    waiting.push(entry);
    process.stdout.write(`@@relay ${command}\n`);
  });
}

/** Marks the exit as deliberate and stops reading stdin (pass()/fail() call it). */
export function closeHost() {
  closing = true;
  if (lines) {
    lines.close();
    lines = null;
  }
}
