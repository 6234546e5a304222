// The real centrifuge-js client (5.4.0 or 5.8.0) against a relay: connect, a positioned and
// recoverable subscription on an MWP session channel, publish and echo, history, recovery of
// exactly the publications missed during a server-initiated disconnect, and the error path
// of a permanent subscribe error.
//
//   node centrifuge_basic.mjs <ws://127.0.0.1:PORT/connection/websocket> <5.4|5.8>
//
// The disconnect is requested from relay_host (lib/host.mjs), so the script runs under it.

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

import { relayHook } from './lib/host.mjs';
import {
  EventLog, armDeadline, check, checkEq, describe, fail, loadCentrifuge, log, pass, relayUrl,
  sleep, step, within,
} from './lib/util.mjs';

const DEADLINE_MS = 30000;
const REPLY_MS = 5000;
// Client A waits exactly this long before reconnecting (min == max disables the jitter),
// which leaves client B ample time to publish while A is away.
const RECONNECT_DELAY_MS = 2500;

armDeadline(DEADLINE_MS);
const url = relayUrl();
const version = process.argv[3] || process.env.CENTRIFUGE_VERSION || '5.8';
const Centrifuge = await loadCentrifuge(version);
log(`centrifuge-js ${version} against ${url}`);

// What MWP publishes: a JSON string holding the envelope (protocol.md §2.2).
function envelope(clientId, nonce, plaintext) {
  return JSON.stringify({ clientId, nonce, payload: Buffer.from(plaintext, 'utf8').toString('base64') });
}

function checkPublication(ctx, { data, offset, client }, what) {
  checkEq(ctx.channel, channel, `${what}: channel`);
  checkEq(ctx.data, data, `${what}: data`);
  checkEq(ctx.offset, offset, `${what}: offset`);
  check(ctx.info && typeof ctx.info === 'object', `${what}: publication has no info (ClientInfo must always be sent): ${describe(ctx)}`);
  checkEq(ctx.info.client, client, `${what}: info.client (publisher's connection id)`);
  checkEq(ctx.info.user, '', `${what}: info.user (anonymous)`);
}

const channel = `session:${randomUUID()}`;

// --- connect ---------------------------------------------------------------------------
step('client A connects');
const a = new Centrifuge(url, {
  websocket: WebSocket,
  timeout: REPLY_MS,
  minReconnectDelay: RECONNECT_DELAY_MS,
  maxReconnectDelay: RECONNECT_DELAY_MS,
});
const aLog = new EventLog(a, ['connecting', 'connected', 'disconnected', 'error']);
a.connect();
const aConnected = await within(aLog.next('connected', REPLY_MS), REPLY_MS + 100, 'A connected');
check(typeof aConnected.client === 'string' && aConnected.client.length > 0,
  `connected context has no client id: ${describe(aConnected)}`);
checkEq(aConnected.transport, 'websocket', 'connected transport');
checkEq((await aLog.next('connecting', 0)).code, 0, 'code of the initial connecting event (connect called)');
checkEq(aLog.pending('error'), [], 'client errors while connecting');

// --- subscribe -------------------------------------------------------------------------
step(`client A subscribes to ${channel} (positioned, recoverable)`);
const sub = a.newSubscription(channel, { positioned: true, recoverable: true });
const sLog = new EventLog(sub, ['subscribing', 'subscribed', 'unsubscribed', 'error', 'publication']);
sub.subscribe();
checkEq((await sLog.next('subscribing', 0)).code, 0, 'code of the initial subscribing event (subscribe called)');
const first = await sLog.next('subscribed', REPLY_MS, 'subscribed event');
checkEq(first.channel, channel, 'subscribed channel');
checkEq(first.positioned, true, 'subscribed.positioned (namespace forces positioning)');
checkEq(first.recoverable, true, 'subscribed.recoverable (namespace forces recovery)');
checkEq(first.wasRecovering, false, 'subscribed.wasRecovering on a first subscribe');
checkEq(first.recovered, false, 'subscribed.recovered on a first subscribe');
checkEq(first.hasRecoveredPublications, false, 'subscribed.hasRecoveredPublications on a first subscribe');
check(first.streamPosition && typeof first.streamPosition.epoch === 'string' && first.streamPosition.epoch.length > 0,
  `subscribed.streamPosition must carry a non-empty epoch: ${describe(first)}`);
checkEq(first.streamPosition.offset, 0, 'subscribed.streamPosition.offset of a fresh stream');
const epoch = first.streamPosition.epoch;
checkEq(sLog.pending('unsubscribed'), [], 'unsubscribed events on a valid channel');
checkEq(sLog.pending('error'), [], 'subscription errors on a valid channel');

// --- publish and receive the echo -------------------------------------------------------
step('client A publishes and receives its own publication');
const data1 = envelope(randomUUID(), 1, '{"type":"handshake-ack"}');
const published = await within(sub.publish(data1), REPLY_MS, 'publish reply')
  .catch((e) => fail(`publish was rejected: ${describe(e)}`));
checkEq(published, {}, 'publish result');
checkPublication(await sLog.next('publication', REPLY_MS, 'echo of own publication'),
  { data: data1, offset: 1, client: aConnected.client }, 'echo');

// --- history ---------------------------------------------------------------------------
step('client A reads history (limit 50)');
const h1 = await within(sub.history({ limit: 50 }), REPLY_MS, 'history reply')
  .catch((e) => fail(`history was rejected: ${describe(e)}`));
checkEq(h1.epoch, epoch, 'history epoch');
checkEq(h1.offset, 1, 'history offset (top of stream)');
checkEq(h1.publications.length, 1, 'number of publications in history');
checkPublication(h1.publications[0], { data: data1, offset: 1, client: aConnected.client }, 'history[0]');

// --- server disconnect, publications while away, recovery --------------------------------
step('relay disconnects every client with a reconnect-advising code');
await relayHook('disconnect_all');
const away = await aLog.next('connecting', REPLY_MS, 'client A to notice the disconnect');
check((away.code >= 3000 && away.code < 3500) || (away.code >= 4000 && away.code < 4500),
  `client A reports connecting code ${away.code} (${JSON.stringify(away.reason)}); a reconnect-advising close code is 3000-3499 or 4000-4499`);
check(typeof away.reason === 'string' && away.reason.length > 0, `close reason must be non-empty text: ${describe(away)}`);
log(`client A: connecting, code ${away.code} reason ${JSON.stringify(away.reason)}`);
const suspended = await sLog.next('subscribing', REPLY_MS, 'subscription to go back to subscribing');
checkEq(suspended.code, 1, 'subscribing code after transport loss (1 = transport closed)');
checkEq(aLog.pending('disconnected'), [], 'client A must not be disconnected for good');

step('client B publishes two messages while client A is away');
const b = new Centrifuge(url, { websocket: WebSocket, timeout: REPLY_MS });
const bLog = new EventLog(b, ['connected', 'error']);
b.connect();
const bConnected = await bLog.next('connected', REPLY_MS, 'B connected');
check(bConnected.client !== aConnected.client, 'client B got the same connection id as client A');
const data2 = envelope(randomUUID(), 1, '{"type":"message","payload":{"method":"eth_accounts"}}');
// Publication data is raw JSON: an object must come back as the same object.
const data3 = { kind: 'object', n: 3, nested: { list: [1, 'two', null, true], text: 'a "quoted" \\ slash/ é' } };
for (const d of [data2, data3]) {
  await within(b.publish(channel, d), REPLY_MS, 'publish reply to client B')
    .catch((e) => fail(`client B publish was rejected: ${describe(e)}`));
}
check(a.state === 'connecting',
  `test race: client A reconnected (state ${a.state}) before client B had published; cannot test recovery`);

step('client A reconnects and recovers exactly the missed publications');
const back = await aLog.next('connected', RECONNECT_DELAY_MS + 2 * REPLY_MS, 'client A to reconnect');
check(back.client !== aConnected.client, `reconnected client kept its connection id ${back.client}; it must be new per WebSocket`);
const rec = await sLog.next('subscribed', REPLY_MS, 'resubscribe after reconnect');
checkEq(rec.wasRecovering, true, 'resubscribe: wasRecovering');
checkEq(rec.recovered, true, 'resubscribe: recovered');
checkEq(rec.hasRecoveredPublications, true, 'resubscribe: hasRecoveredPublications');
checkEq(rec.positioned, true, 'resubscribe: positioned');
checkEq(rec.recoverable, true, 'resubscribe: recoverable');
checkEq(rec.streamPosition, { offset: 1, epoch }, 'resubscribe: streamPosition (the offset the client asked to recover from, same epoch)');
checkPublication(await sLog.next('publication', REPLY_MS, 'first recovered publication'),
  { data: data2, offset: 2, client: bConnected.client }, 'recovered[0]');
checkPublication(await sLog.next('publication', REPLY_MS, 'second recovered publication'),
  { data: data3, offset: 3, client: bConnected.client }, 'recovered[1]');

step('no duplicates after recovery, and live delivery goes on');
const data4 = envelope(randomUUID(), 2, '{"type":"message","payload":"after recovery"}');
await within(sub.publish(data4), REPLY_MS, 'publish reply after recovery')
  .catch((e) => fail(`publish after recovery was rejected: ${describe(e)}`));
checkPublication(await sLog.next('publication', REPLY_MS, 'live publication after recovery'),
  { data: data4, offset: 4, client: back.client }, 'live after recovery');
await sleep(200);
checkEq(sLog.pending('publication').map((p) => p.offset), [], 'publications delivered more than once');
const h2 = await within(sub.history({ limit: 50 }), REPLY_MS, 'history reply');
checkEq(h2.epoch, epoch, 'history epoch after reconnect');
checkEq(h2.offset, 4, 'history offset after reconnect');
checkEq(h2.publications.map((p) => [p.offset, p.data]),
  [[1, data1], [2, data2], [3, data3], [4, data4]], 'history after reconnect (offset, data), oldest first');
checkEq(sLog.pending('error'), [], 'subscription errors');
checkEq(sLog.pending('unsubscribed'), [], 'unexpected unsubscribed events');

// --- permanent subscribe errors ------------------------------------------------------------
// centrifuge-js moves the subscription to `unsubscribed` with the server's code and message,
// without an `error` event (protocol.md §1.9).
async function expectRejectedSubscribe(name, code, reason) {
  step(`subscribe to ${name} is rejected with ${code}`);
  const bad = a.newSubscription(name, { positioned: true, recoverable: true });
  const badLog = new EventLog(bad, ['subscribed', 'unsubscribed', 'error']);
  bad.subscribe();
  const u = await badLog.next('unsubscribed', REPLY_MS, `unsubscribed event for ${name}`);
  checkEq({ code: u.code, reason: u.reason }, { code, reason }, `unsubscribed context for ${name}`);
  checkEq(bad.state, 'unsubscribed', `state of the subscription to ${name}`);
  checkEq(badLog.pending('subscribed'), [], `subscribed events for ${name}`);
  checkEq(badLog.pending('error'), [], `error events for ${name} (a permanent error emits none)`);
  a.removeSubscription(bad);
}
await expectRejectedSubscribe('foo:bar', 102, 'unknown channel');
await expectRejectedSubscribe(`session:${randomUUID().toUpperCase()}`, 107, 'bad request');

step('publish to an unknown namespace is rejected with 102');
const err = await within(a.publish('foo:bar', 'x').then(() => null, (e) => e), REPLY_MS, 'publish error reply');
check(err !== null, 'publish to foo:bar succeeded; expected error 102');
checkEq({ code: err.code, message: err.message }, { code: 102, message: 'unknown channel' }, 'publish error');

step('the connection survived the error replies');
checkEq(a.state, 'connected', 'client A state');
checkEq(sub.state, 'subscribed', 'subscription state');
checkEq(aLog.pending('error'), [], 'client A errors');

a.disconnect();
b.disconnect();
pass(`centrifuge-js ${version}`);
