// The real MetaMask Mobile Wallet Protocol dApp client (@metamask/mobile-wallet-protocol-
// dapp-client 0.3.0 over core 0.4.0's WebSocketTransport) against OUR C++ wallet
// (relayload::session::wallet_client, run by relay_host) through the embedded relay:
// trusted handshake, then three request/response rounds (issue 5, protocol.md §2.8, §4.3).
//
//   relay_host -- mwp_dapp_vs_cpp_wallet.mjs mock|ecies
//   (the script runs as: node mwp_dapp_vs_cpp_wallet.mjs <relay url> mock|ecies)
//
// The script hands the SessionRequest to the host with `@@relay wallet <crypto> <base64 JSON>`
// on stdout (lib/host.mjs relayHook); the host answers `ok` on stdin once the C++ wallet is CONNECTED (it has published
// the offer). The C++ wallet answers each request with {"result":"ok-<n>","id":<id>}.
//
// Crypto: `mock` is the load tests' MockKeyManager (protocol.md §3.4); `ecies` is the real
// KeyManager of the MWP demo apps on eciesjs 0.4.17 defaults (§3.1, §3.2).

import WebSocket from 'ws';
import { ClientState, SessionStore, WebSocketTransport } from '@metamask/mobile-wallet-protocol-core';
import { DappClient } from '@metamask/mobile-wallet-protocol-dapp-client';

import { relayHook, underHost } from './lib/host.mjs';
import { InMemoryKVStore, SAMPLE_REQUEST, checkSessionRequest, keyManagerFor } from './lib/mwp.mjs';
import {
  EventLog, UUID_V4, armDeadline, check, checkEq, describe, fail, installedVersion, log, pass,
  relayUrl, step, within,
} from './lib/util.mjs';

const DEADLINE_MS = 30000;
const REPLY_MS = 5000;
const ROUNDS = 3;

armDeadline(DEADLINE_MS);
const url = relayUrl();
const crypto = process.argv[3] || 'mock';
if (crypto !== 'mock' && crypto !== 'ecies') fail(`unknown crypto ${JSON.stringify(crypto)}: use mock or ecies`);
if (!underHost) fail('this script needs relay_host (the C++ wallet runs there); RELAYLOAD_INTEROP_HOST=1 is not set');
for (const [name, want] of [['@metamask/mobile-wallet-protocol-core', '0.4.0'],
  ['@metamask/mobile-wallet-protocol-dapp-client', '0.3.0'], ['centrifuge', '5.4.0'], ['eciesjs', '0.4.17']]) {
  const got = installedVersion(name);
  check(got === want, `${name} is ${got}, expected ${want} (run npm ci)`);
}
log(`MWP dApp client 0.3.0 (core 0.4.0, centrifuge-js 5.4.0) vs the C++ wallet, crypto ${crypto}, relay ${url}`);

// --- dApp: the real client -----------------------------------------------------------------
step('dApp client created; connect({mode: "trusted"}) emits a session request');
const keymanager = keyManagerFor(crypto);
const dappKv = new InMemoryKVStore();
const transport = await WebSocketTransport.create({ url, kvstore: dappKv, websocket: WebSocket });
const sessionstore = await SessionStore.create(dappKv);
const dapp = new DappClient({ transport, keymanager, sessionstore });
const dLog = new EventLog(dapp, ['session_request', 'connected', 'disconnected', 'message', 'error']);

const connecting = dapp.connect({ mode: 'trusted' }).then(() => 'resolved', (e) => e);
const request = await dLog.next('session_request', 2000, 'session_request event');
checkSessionRequest(request, { mode: 'trusted', crypto });

// --- wallet: OUR C++ wallet_client in relay_host --------------------------------------------
step('C++ wallet gets the SessionRequest (out of band) and connects');
const requestB64 = Buffer.from(JSON.stringify(request), 'utf8').toString('base64');
// lib/host.mjs's one request/reply channel: `@@relay wallet <crypto> <base64>`.
await relayHook(`wallet ${crypto} ${requestB64}`, { timeoutMs: 15000 })
  .catch((e) => fail(`C++ wallet did not connect: ${describe(e)}`));

step('dApp connect() resolves: CONNECTED');
const outcome = await within(connecting, 10000, 'dApp connect() to resolve');
if (outcome !== 'resolved') fail(`dApp connect() rejected: ${describe(outcome)}`);
checkEq(dapp.state, ClientState.CONNECTED, 'dApp state');
await dLog.next('connected', 1000, 'dApp connected event');
const stored = JSON.parse(await dappKv.get(`session:${request.id}`));
check(typeof stored.channel === 'string' && /^session:/.test(stored.channel) && UUID_V4.test(stored.channel.slice(8)),
  `session channel ${describe(stored.channel)} stored by the dApp is not session:<uuid v4>`);
checkEq(dLog.pending('error'), [], 'dApp errors during the handshake');

// --- request/response rounds ----------------------------------------------------------------
for (let i = 1; i <= ROUNDS; i++) {
  step(`round ${i}: dApp sendRequest, C++ wallet answers, dApp emits message`);
  const payload = { ...SAMPLE_REQUEST, id: i };
  await within(dapp.sendRequest(payload), REPLY_MS, `dApp sendRequest #${i}`)
    .catch((e) => fail(`dApp sendRequest #${i} failed: ${describe(e)}`));
  const got = await dLog.next('message', REPLY_MS, `dApp message event for response #${i}`)
    .catch((e) => fail(`${e.message}; dApp errors so far: ${describe(dLog.pending('error'))}`));
  checkEq(got, { result: `ok-${i}`, id: i }, `dApp message payload #${i}`);
  log(`round ${i}: got ${JSON.stringify(got)}`);
}

step('final state');
checkEq(dLog.pending('message'), [], 'extra dApp message events (duplicates?)');
checkEq(dLog.pending('error'), [], 'dApp errors');
if (crypto === 'ecies') {
  // eciesjs decrypted the C++ offer and three responses (the offer may arrive twice, live and
  // from the history fetch, so count distinct plaintexts) and encrypted three requests.
  const types = [...new Set(keymanager.decrypted)].map((t) => JSON.parse(t).type).sort();
  checkEq(types, ['handshake-offer', 'message', 'message', 'message'], 'distinct messages eciesjs decrypted from the C++ wallet');
  checkEq(keymanager.encrypted, ROUNDS, 'requests eciesjs encrypted for the C++ wallet');
}
await within(dapp.disconnect(), REPLY_MS, 'dApp disconnect');
checkEq(dapp.state, ClientState.DISCONNECTED, 'dApp state after disconnect');
pass(`MWP dApp (JS, ${crypto}) vs C++ wallet: trusted handshake and ${ROUNDS} rounds`);
