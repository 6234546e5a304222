// OUR C++ dApp (relayload::session::dapp_client, run by relay_host) against a wallet script
// that publishes exactly what the JavaScript wallet publishes (issue 5; protocol.md §2.8,
// §2.9, §5.5).
//
//   relay_host -- mwp_wallet_script_vs_cpp_dapp.mjs mock|ecies trusted|untrusted
//
// The MWP wallet client is not published on npm, so the wallet here is the JS wallet's
// connect flow written from the spec on top of the real pieces it is built on: core 0.4.0's
// BaseClient (encrypt → publish, receive → dedup → decrypt) and WebSocketTransport
// (envelopes, nonces, publish retries, history after every subscribe) over centrifuge-js
// 5.4.0. So every frame on the wallet's socket is produced by the real JS code; the script
// records them and checks their order against §5.5.
//
// Steps: the host's dApp emits the SessionRequest (`@@relay dapp <crypto> <mode>` answers
// `ok <base64>`); the wallet connects with it and publishes the offer; untrusted: the script
// types a wrong OTP, then the right one (`@@relay dapp otp`), and the dApp's ack completes the
// wallet's connect; `@@relay dapp connected`; three requests from the dApp
// (`@@relay dapp request <n>`), each answered by the wallet with {"result":"ok-<n>","id":<n>};
// `@@relay dapp disconnect`. Then the frames the dApp published (as the wallet received them)
// are checked: envelope key order, clientId, nonces 1..N, and the exact plaintexts the JS dApp
// would send.

import WebSocket from 'ws';
import { ClientState, SessionStore, WebSocketTransport } from '@metamask/mobile-wallet-protocol-core';

import { relayHook, underHost } from './lib/host.mjs';
import { InMemoryKVStore, SAMPLE_REQUEST, checkSessionRequest, keyManagerFor } from './lib/mwp.mjs';
import { ScriptWallet } from './lib/script_wallet.mjs';
import {
  EventLog, UUID_V4, armDeadline, check, checkEq, describe, fail, installedVersion, log, pass,
  relayUrl, step, within,
} from './lib/util.mjs';

const DEADLINE_MS = 40000;
const REPLY_MS = 5000;
const ROUNDS = 3;

armDeadline(DEADLINE_MS);
const url = relayUrl();
const crypto = process.argv[3] || 'mock';
const mode = process.argv[4] || 'trusted';
if (crypto !== 'mock' && crypto !== 'ecies') fail(`unknown crypto ${JSON.stringify(crypto)}: use mock or ecies`);
if (mode !== 'trusted' && mode !== 'untrusted') fail(`unknown mode ${JSON.stringify(mode)}: use trusted or untrusted`);
if (!underHost) fail('this script needs relay_host (the C++ dApp runs there); RELAYLOAD_INTEROP_HOST=1 is not set');
for (const [name, want] of [['@metamask/mobile-wallet-protocol-core', '0.4.0'], ['centrifuge', '5.4.0'],
  ['eciesjs', '0.4.17']]) {
  const got = installedVersion(name);
  check(got === want, `${name} is ${got}, expected ${want} (run npm ci)`);
}
log(`C++ dApp vs wallet script (core 0.4.0 transport, centrifuge-js 5.4.0), ${crypto}, ${mode}, relay ${url}`);

// --- every frame on the wallet's socket ----------------------------------------------------
const sentFrames = [];
const receivedFrames = [];
class RecordingWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (ev) => receivedFrames.push(String(ev.data)));
  }
  send(data, ...rest) {
    sentFrames.push(String(data));
    return super.send(data, ...rest);
  }
}
const framesToMessages = (frames) => frames.flatMap((f) => f.split('\n')).filter((l) => l !== '')
  .map((l) => JSON.parse(l));

// --- the wallet: the JS wallet's connect flow on the real BaseClient (lib/script_wallet.mjs) --

// --- the C++ dApp emits its SessionRequest ---------------------------------------------------
step(`C++ dApp connect({mode: "${mode}"}) emits a SessionRequest`);
const requestB64 = await relayHook(`dapp ${crypto} ${mode}`, { timeoutMs: 10000 })
  .catch((e) => fail(`C++ dApp did not start: ${describe(e)}`));
const requestJson = Buffer.from(requestB64, 'base64').toString('utf8');
const request = JSON.parse(requestJson);
checkSessionRequest(request, { mode, crypto });

// --- the wallet connects with it --------------------------------------------------------------
step('wallet connects with the SessionRequest and publishes the offer');
const keymanager = keyManagerFor(crypto);
const walletKv = new InMemoryKVStore();
const transport = await WebSocketTransport.create({ url, kvstore: walletKv, websocket: RecordingWebSocket });
const sessionstore = await SessionStore.create(walletKv);
const wallet = new ScriptWallet({ transport, keymanager, sessionstore });
const wLog = new EventLog(wallet, ['display_otp', 'connected', 'message', 'error']);
const walletConnecting = wallet.connect(request).then(() => 'resolved', (e) => e);

if (mode === 'untrusted') {
  step('untrusted: the user types a wrong OTP, then the one the wallet shows');
  const otp = await wLog.next('display_otp', 10000, 'wallet display_otp');
  await relayHook('dapp otp 000000', { timeoutMs: 10000 })
    .catch((e) => fail(`C++ dApp did not take the (wrong) OTP: ${describe(e)}`));
  await relayHook(`dapp otp ${otp}`, { timeoutMs: 10000 })
    .catch((e) => fail(`C++ dApp did not ask again after a wrong OTP: ${describe(e)}`));
}

step('wallet connect() resolves: CONNECTED');
const walletOutcome = await within(walletConnecting, 10000, 'wallet connect() to resolve');
if (walletOutcome !== 'resolved') fail(`wallet connect() rejected: ${describe(walletOutcome)}`);
checkEq(wallet.state, ClientState.CONNECTED, 'wallet state');

step('C++ dApp is CONNECTED');
await relayHook('dapp connected', { timeoutMs: 10000 })
  .catch((e) => fail(`C++ dApp did not connect: ${describe(e)}`));

// --- request/response rounds ----------------------------------------------------------------
const answering = (async () => {
  for (let n = 1; n <= ROUNDS; n++) {
    const payload = await wLog.next('message', 3 * REPLY_MS, `wallet message #${n}`);
    checkEq(payload, { ...SAMPLE_REQUEST, id: n }, `request #${n} as the wallet decrypted it`);
    await wallet.respond({ result: `ok-${n}`, id: payload.id });
  }
})().catch((e) => fail(`wallet: ${describe(e)}`));
for (let i = 1; i <= ROUNDS; i++) {
  step(`round ${i}: C++ dApp sends a request, the wallet answers`);
  const text = await relayHook(`dapp request ${i}`, { timeoutMs: REPLY_MS * 2 })
    .catch((e) => fail(`C++ dApp request #${i}: ${describe(e)}`));
  checkEq(JSON.parse(text), { result: `ok-${i}`, id: i }, `response #${i} as the C++ dApp received it`);
  log(`round ${i}: the C++ dApp got ${text}`);
}
await within(answering, REPLY_MS, 'the wallet to finish answering');

step('C++ dApp disconnects');
await relayHook('dapp disconnect', { timeoutMs: REPLY_MS })
  .catch((e) => fail(`C++ dApp disconnect: ${describe(e)}`));

// --- what the wallet sent: the JS wallet's sequence (§5.5) -----------------------------------
step('the wallet socket carried the JS wallet sequence of §5.5');
const walletClientId = await walletKv.get('websocket-transport-client-id');
check(UUID_V4.test(walletClientId || ''), `wallet clientId ${describe(walletClientId)} is not a UUID v4`);
const sessionChannel = JSON.parse(await walletKv.get(`session:${request.id}`)).channel;
const commands = framesToMessages(sentFrames).filter((m) => m.id !== undefined);
const kind = (m) => ['connect', 'subscribe', 'history', 'publish', 'unsubscribe'].find((k) => m[k] !== undefined) || '?';
const describeCommand = (m) => `${kind(m)}${m[kind(m)] && m[kind(m)].channel ? ` ${m[kind(m)].channel.split(':')[0]}` : ''}#${m.id}`;
const seq = commands.map(describeCommand);
checkEq(seq[0], 'connect#1', 'wallet command 1');
// The two subscribes go out together; each history follows its subscribe reply (§5.5: the
// histories may come before or after the session subscribe).
checkEq(seq.slice(1, 5).map((c) => c.split('#')[0]).sort(),
  ['history handshake', 'history session', 'subscribe handshake', 'subscribe session'], 'wallet commands 2–5');
checkEq(commands.slice(0, 5).map((m) => m.id), [1, 2, 3, 4, 5], 'wallet command ids 1–5');
checkEq(seq.slice(5, 7), ['publish handshake#6', 'unsubscribe handshake#7'], 'wallet commands 6–7');
checkEq(seq.slice(7), Array.from({ length: ROUNDS }, (_, i) => `publish session#${8 + i}`), 'wallet responses');
const offerEnvelope = JSON.parse(commands[5].publish.data);
checkEq(Object.keys(offerEnvelope), ['clientId', 'nonce', 'payload'], 'offer envelope keys');
checkEq([offerEnvelope.clientId, offerEnvelope.nonce], [walletClientId, 1], 'offer envelope clientId and nonce');
checkEq(commands.slice(7).map((m) => JSON.parse(m.publish.data).nonce), [1, 2, 3], 'response nonces');

// --- what the C++ dApp published, as the wallet received it ---------------------------------
step('the C++ dApp published what the JS dApp publishes');
const dappPubs = framesToMessages(receivedFrames)
  .flatMap((m) => {
    const pubs = [];
    if (m.push && m.push.pub && m.push.channel === sessionChannel) pubs.push(m.push.pub);
    if (m.history && m.history.publications) pubs.push(...m.history.publications);
    return pubs;
  })
  .filter((p) => typeof p.data === 'string' && JSON.parse(p.data).clientId !== walletClientId);
const envelopes = [];
for (const p of dappPubs) {
  const e = JSON.parse(p.data);
  checkEq(Object.keys(e), ['clientId', 'nonce', 'payload'], 'dApp envelope keys (in order)');
  check(UUID_V4.test(e.clientId), `dApp clientId ${describe(e.clientId)} is not a UUID v4`);
  if (!envelopes.some((x) => x.nonce === e.nonce)) envelopes.push(e);  // live + history copies
}
check(new Set(envelopes.map((e) => e.clientId)).size === 1, `the dApp used several clientIds: ${describe(envelopes)}`);
const expectedPlaintexts = [
  ...(mode === 'untrusted' ? ['{"type":"handshake-ack"}'] : []),
  ...Array.from({ length: ROUNDS }, (_, i) => JSON.stringify({ type: 'message', payload: { ...SAMPLE_REQUEST, id: i + 1 } })),
];
checkEq(envelopes.map((e) => e.nonce), expectedPlaintexts.map((_, i) => i + 1), 'dApp nonces on the session channel');
// The exact plaintexts: the mock's payload is their base64; with ECIES, eciesjs decrypted them.
const plaintexts = crypto === 'mock'
  ? envelopes.map((e) => Buffer.from(e.payload, 'base64').toString('utf8'))
  : [...new Set(keymanager.decrypted)];
checkEq(plaintexts, expectedPlaintexts, 'dApp plaintexts (byte-exact, in order)');
checkEq(wLog.pending('error'), [], 'wallet errors');
checkEq(wLog.pending('message'), [], 'extra wallet message events (duplicates?)');

await within(wallet.disconnect(), REPLY_MS, 'wallet disconnect');
pass(`C++ dApp (${crypto}, ${mode}) vs wallet script: handshake and ${ROUNDS} rounds`);
