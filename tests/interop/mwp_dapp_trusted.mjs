// The real MetaMask Mobile Wallet Protocol dApp client (@metamask/mobile-wallet-protocol-
// dapp-client 0.3.0 over core 0.4.0's WebSocketTransport, which uses centrifuge-js 5.4.0)
// connects in trusted mode through a relay; this script plays the wallet with a raw
// centrifuge-js client and exchanges three request/response rounds (protocol.md §2.8, §4.3),
// then a fourth after the relay disconnected everybody (reconnect, recovery, dedup).
//
//   node mwp_dapp_trusted.mjs <ws://127.0.0.1:PORT/connection/websocket> [wallet centrifuge 5.4|5.8]
//
// Crypto is the load tests' MockKeyManager (protocol.md §3.4): payload = base64 of the JSON.

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ClientState, SessionStore, WebSocketTransport } from '@metamask/mobile-wallet-protocol-core';
import { DappClient } from '@metamask/mobile-wallet-protocol-dapp-client';

import { relayHook } from './lib/host.mjs';
import { InMemoryKVStore, MOCK_PUBLIC_KEY_B64, MockKeyManager, SAMPLE_REQUEST } from './lib/mwp.mjs';
import {
  EventLog, UUID_V4, armDeadline, check, checkEq, describe, fail, installedVersion, loadCentrifuge,
  log, pass, relayUrl, sleep, step, within,
} from './lib/util.mjs';

const DEADLINE_MS = 30000;
const REPLY_MS = 5000;
const ROUNDS = 3;  // then one more after a relay outage

armDeadline(DEADLINE_MS);
const url = relayUrl();
const walletVersion = process.argv[3] || process.env.CENTRIFUGE_VERSION || '5.8';
const Centrifuge = await loadCentrifuge(walletVersion);
for (const [name, want] of [['@metamask/mobile-wallet-protocol-core', '0.4.0'],
  ['@metamask/mobile-wallet-protocol-dapp-client', '0.3.0'], ['centrifuge', '5.4.0']]) {
  const got = installedVersion(name);
  check(got === want, `${name} is ${got}, expected ${want} (run npm ci)`);
}
log(`MWP dApp client 0.3.0 (core 0.4.0, centrifuge-js 5.4.0) vs raw wallet on centrifuge-js ${walletVersion}, relay ${url}`);

// --- the load tests' MockKeyManager (protocol.md §3.4, lib/mwp.mjs) ----------------------
const mockEncode = (message) => Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
const mockDecode = (b64) => JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));

// Payloads of the load test's exchangeMessage (protocol.md §4.3); `id` stays last.
const SAMPLE_RESPONSE = {
  result: '0x1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b01',
};

// --- dApp: the real client -----------------------------------------------------------------
step('dApp client created; connect({mode: "trusted"}) emits a session request');
const dappKv = new InMemoryKVStore();
const transport = await WebSocketTransport.create({ url, kvstore: dappKv, websocket: WebSocket });
const sessionstore = await SessionStore.create(dappKv);
const dapp = new DappClient({ transport, keymanager: new MockKeyManager(), sessionstore });
const dLog = new EventLog(dapp, ['session_request', 'connected', 'disconnected', 'message', 'error']);
const dappClientId = await dappKv.get('websocket-transport-client-id');
check(typeof dappClientId === 'string' && UUID_V4.test(dappClientId), `dApp transport clientId ${describe(dappClientId)} is not a UUID v4`);

const t0 = Date.now();
const connecting = dapp.connect({ mode: 'trusted' }).then(() => 'resolved', (e) => e);
const request = await dLog.next('session_request', 1000, 'session_request event');
checkEq(Object.keys(request).filter((k) => request[k] !== undefined), ['id', 'mode', 'channel', 'publicKeyB64', 'expiresAt'],
  'SessionRequest keys (trusted, no initial message)');
check(UUID_V4.test(request.id), `SessionRequest.id ${describe(request.id)} is not a lowercase UUID v4`);
checkEq(request.mode, 'trusted', 'SessionRequest.mode');
checkEq(request.channel, `handshake:${request.id}`, 'SessionRequest.channel');
checkEq(request.publicKeyB64, MOCK_PUBLIC_KEY_B64, 'SessionRequest.publicKeyB64 (MockKeyManager)');
check(Math.abs(request.expiresAt - (t0 + 60000)) < 5000, `SessionRequest.expiresAt ${request.expiresAt} is not about now + 60 s`);
checkEq(dapp.state, ClientState.CONNECTING, 'dApp state after connect() started');

// --- wallet: a raw centrifuge-js client speaking the MWP wire ------------------------------
step('wallet connects and subscribes to the handshake and a fresh session channel');
const walletClientId = randomUUID();
const sessionUuid = randomUUID();
const sessionChannel = `session:${sessionUuid}`;
const wallet = new Centrifuge(url, { websocket: WebSocket, timeout: REPLY_MS, minReconnectDelay: 100, maxReconnectDelay: 30000 });
const wLog = new EventLog(wallet, ['connected', 'disconnected', 'error']);
wallet.connect();
await wLog.next('connected', REPLY_MS, 'wallet connected');

function subscribeWallet(channel) {
  const sub = wallet.newSubscription(channel, { positioned: true, recoverable: true });
  const log = new EventLog(sub, ['subscribed', 'unsubscribed', 'error', 'publication']);
  sub.subscribe();
  return { sub, log };
}
const hs = subscribeWallet(request.channel);
const ss = subscribeWallet(sessionChannel);
for (const [name, s] of [[request.channel, hs], [sessionChannel, ss]]) {
  const ctx = await s.log.next('subscribed', REPLY_MS, `wallet subscribed to ${name}`);
  check(ctx.positioned && ctx.recoverable && ctx.streamPosition && ctx.streamPosition.epoch,
    `subscribe context for ${name} lacks positioned/recoverable/epoch: ${describe(ctx)}`);
}
for (const [name, s] of [[request.channel, hs], [sessionChannel, ss]]) {
  // The JS wallet reads history after every subscribe; both channels are still empty here
  // (the dApp's subscribe and history calls publish nothing).
  const h = await within(s.sub.history({ limit: 50 }), REPLY_MS, `history of ${name}`);
  checkEq(h.publications.length, 0, `history of ${name} before the offer`);
}

step('wallet publishes the trusted handshake offer on the handshake channel');
const offer = { type: 'handshake-offer', payload: { publicKeyB64: MOCK_PUBLIC_KEY_B64, channelId: sessionUuid } };
const offerEnvelope = JSON.stringify({ clientId: walletClientId, nonce: 1, payload: mockEncode(offer) });
await within(hs.sub.publish(offerEnvelope), REPLY_MS, 'offer publish reply')
  .catch((e) => fail(`offer publish rejected: ${describe(e)}`));
const echo = await hs.log.next('publication', REPLY_MS, 'echo of the offer');
checkEq(echo.data, offerEnvelope, 'offer echo data (must be the published bytes)');
checkEq(echo.offset, 1, 'offer echo offset');
wallet.removeSubscription(hs.sub);  // what the JS wallet does next: clear(handshake)

step('dApp connect() resolves: CONNECTED');
const outcome = await within(connecting, 10000, 'dApp connect() to resolve');
if (outcome !== 'resolved') fail(`dApp connect() rejected: ${describe(outcome)}`);
checkEq(dapp.state, ClientState.CONNECTED, 'dApp state');
await dLog.next('connected', 1000, 'dApp connected event');
const stored = JSON.parse(await dappKv.get(`session:${request.id}`));
checkEq(stored.channel, sessionChannel, 'session channel stored by the dApp');
checkEq(dLog.pending('error'), [], 'dApp errors during the handshake');

// --- request/response rounds ----------------------------------------------------------------
// Everything arriving on the wallet's session subscription that is not its own echo.
async function nextFromDapp(what) {
  for (;;) {
    const pub = await ss.log.next('publication', REPLY_MS, what);
    check(typeof pub.data === 'string', `session publication data must be a JSON string: ${describe(pub.data)}`);
    const env = JSON.parse(pub.data);
    if (env.clientId === walletClientId) continue;
    return { pub, env };
  }
}

async function round(i) {
  const requestPayload = { ...SAMPLE_REQUEST, id: i };
  await within(dapp.sendRequest(requestPayload), REPLY_MS, `dApp sendRequest #${i}`)
    .catch((e) => fail(`dApp sendRequest #${i} failed: ${describe(e)}`));
  const { pub, env } = await nextFromDapp(`request #${i} on the wallet's session subscription`);
  checkEq(Object.keys(env), ['clientId', 'nonce', 'payload'], `request #${i} envelope keys`);
  checkEq(env.clientId, dappClientId, `request #${i} envelope clientId`);
  checkEq(env.nonce, i, `request #${i} envelope nonce`);
  checkEq(pub.data, JSON.stringify(env), `request #${i} data bytes (relay must keep them verbatim)`);
  checkEq(mockDecode(env.payload), { type: 'message', payload: requestPayload }, `request #${i} plaintext`);

  const responsePayload = { ...SAMPLE_RESPONSE, id: i };
  const responseEnvelope = JSON.stringify({ clientId: walletClientId, nonce: i, payload: mockEncode({ type: 'message', payload: responsePayload }) });
  await within(ss.sub.publish(responseEnvelope), REPLY_MS, `wallet response #${i} publish reply`)
    .catch((e) => fail(`wallet response #${i} publish rejected: ${describe(e)}`));
  const got = await dLog.next('message', REPLY_MS, `dApp message event for response #${i}`);
  checkEq(got, responsePayload, `dApp message payload #${i}`);
}

for (let i = 1; i <= ROUNDS; i++) {
  step(`round ${i}: dApp sendRequest, wallet answers, dApp emits message`);
  await round(i);
}

// A relay outage: the dApp's transport reconnects and resubscribes with recovery, then
// re-reads history (protocol.md §2.4); its nonce dedup must swallow every old message.
step('relay disconnects every client; dApp transport and wallet reconnect');
const tLog = new EventLog(transport, ['connecting', 'connected', 'disconnected', 'error']);
await relayHook('disconnect_all');
await tLog.next('connecting', REPLY_MS, 'dApp transport to notice the disconnect');
await tLog.next('connected', 10000, 'dApp transport to reconnect');
await wLog.next('connected', 10000, 'wallet to reconnect');
const resub = await ss.log.next('subscribed', REPLY_MS, 'wallet resubscribed to the session channel');
checkEq([resub.wasRecovering, resub.recovered], [true, true], 'wallet resubscribe: [wasRecovering, recovered]');
checkEq(dapp.state, ClientState.CONNECTED, 'dApp state after the relay outage');
step(`round ${ROUNDS + 1}: after the outage`);
await round(ROUNDS + 1);
await sleep(300);  // history re-reads after the resubscribe must not surface old messages

step('final state');
checkEq(dLog.pending('message'), [], 'extra dApp message events (duplicates?)');
checkEq(dLog.pending('error'), [], 'dApp errors');
checkEq(wLog.pending('error'), [], 'wallet client errors');
checkEq(ss.log.pending('error'), [], 'wallet session subscription errors');
checkEq(await dappKv.get(`nonce:${dappClientId}:${sessionChannel}`), String(ROUNDS + 1), 'dApp nonce counter on the session channel');
checkEq(JSON.parse(await dappKv.get(`latest-nonces:${dappClientId}:${sessionChannel}`)), { [walletClientId]: ROUNDS + 1 },
  'dApp latest nonce seen from the wallet');

await within(dapp.disconnect(), REPLY_MS, 'dApp disconnect');
checkEq(dapp.state, ClientState.DISCONNECTED, 'dApp state after disconnect');
wallet.disconnect();
pass(`MWP dApp trusted flow, ${ROUNDS} rounds + 1 after an outage, wallet on centrifuge-js ${walletVersion}`);
