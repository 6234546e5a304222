// The real centrifuge-js client (5.4.0 or 5.8.0) through the relay's other fault hooks:
//
//   pause / resume   pub pushes are held, then delivered once, in order, after resume
//   restart keep     relay restarts on the same port keeping history: the client reconnects
//                    and recovers what was published while it was away (same epoch)
//   restart lose     relay restarts losing history: the client reconnects, recovery fails
//                    (new epoch) and the client says so (recovered false, wasRecovering true)
//
//   node centrifuge_faults.mjs <ws://127.0.0.1:PORT/connection/websocket> <5.4|5.8>

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

import { relayHook } from './lib/host.mjs';
import {
  EventLog, armDeadline, check, checkEq, describe, fail, loadCentrifuge, log, pass, relayUrl,
  sleep, step, within,
} from './lib/util.mjs';

const DEADLINE_MS = 30000;
const REPLY_MS = 5000;
const RECONNECT_DELAY_MS = 2000;  // min == max: no jitter, B publishes within this window
// Long enough for a push that was wrongly not held to arrive on loopback; the check is
// that nothing arrives, so a slower machine only makes it less sensitive, never flaky.
const QUIET_MS = 300;

armDeadline(DEADLINE_MS);
const url = relayUrl();
const version = process.argv[3] || process.env.CENTRIFUGE_VERSION || '5.8';
const Centrifuge = await loadCentrifuge(version);
log(`centrifuge-js ${version} against ${url}`);

const channel = `session:${randomUUID()}`;
const a = new Centrifuge(url, {
  websocket: WebSocket, timeout: REPLY_MS,
  minReconnectDelay: RECONNECT_DELAY_MS, maxReconnectDelay: RECONNECT_DELAY_MS,
});
const aLog = new EventLog(a, ['connecting', 'connected', 'disconnected', 'error']);
const sub = a.newSubscription(channel, { positioned: true, recoverable: true });
const sLog = new EventLog(sub, ['subscribing', 'subscribed', 'unsubscribed', 'error', 'publication']);

async function publishFrom(client, data, what) {
  await within(client.publish(channel, data), REPLY_MS, `${what} publish reply`)
    .catch((e) => fail(`${what} publish rejected: ${describe(e)}`));
}

async function expectPublications(expected, what) {
  for (const [offset, data] of expected) {
    const p = await sLog.next('publication', REPLY_MS, `${what}: publication at offset ${offset}`);
    checkEq([p.offset, p.data], [offset, data], `${what}: (offset, data)`);
  }
  await sleep(QUIET_MS);
  checkEq(sLog.pending('publication').map((p) => [p.offset, p.data]), [], `${what}: publications beyond the expected ones`);
}

// Runs `hook` and waits until client A is back and resubscribed; returns the subscribe
// context. While A is away, `whileAway` runs (with a fresh client B).
async function outage(hook, whileAway) {
  await relayHook(hook);
  const away = await aLog.next('connecting', REPLY_MS, `client A to notice "${hook}"`);
  log(`client A: connecting after "${hook}", code ${away.code} reason ${JSON.stringify(away.reason)}`);
  check(!((away.code >= 3500 && away.code < 4000) || (away.code >= 4500 && away.code < 5000)),
    `"${hook}" closed client A with terminal code ${away.code}; clients must be told to reconnect`);
  await sLog.next('subscribing', REPLY_MS, 'subscription to go back to subscribing');
  if (whileAway) {
    const b = new Centrifuge(url, { websocket: WebSocket, timeout: REPLY_MS });
    b.connect();
    await within(new Promise((r) => b.once('connected', r)), REPLY_MS, 'client B connected');
    await whileAway(b);
    b.disconnect();
    check(a.state === 'connecting', `test race: client A reconnected (state ${a.state}) before client B had published`);
  }
  await aLog.next('connected', RECONNECT_DELAY_MS + 2 * REPLY_MS, `client A to reconnect after "${hook}"`);
  return sLog.next('subscribed', REPLY_MS, `resubscribe after "${hook}"`);
}

step('client A connects and subscribes');
a.connect();
await aLog.next('connected', REPLY_MS, 'A connected');
await aLog.next('connecting', 0, 'initial connecting event');
sub.subscribe();
const first = await sLog.next('subscribed', REPLY_MS, 'subscribed');
await sLog.next('subscribing', 0, 'initial subscribing event');
const epoch = first.streamPosition && first.streamPosition.epoch;
check(typeof epoch === 'string' && epoch.length > 0, `no epoch in subscribe context: ${describe(first)}`);

step('pause: a publication is stored and acknowledged but its push is held');
await relayHook('pause');
await publishFrom(a, 'held-1', 'paused');
await publishFrom(a, { held: 2 }, 'paused');
await sleep(QUIET_MS);
checkEq(sLog.pending('publication').map((p) => p.offset), [], 'publications delivered while delivery is paused');
const hPaused = await within(sub.history({ limit: 50 }), REPLY_MS, 'history while paused');
checkEq(hPaused.publications.map((p) => [p.offset, p.data]), [[1, 'held-1'], [2, { held: 2 }]], 'history while paused');

step('resume: the held pushes arrive once, in order');
await relayHook('resume');
await expectPublications([[1, 'held-1'], [2, { held: 2 }]], 'after resume');

step('restart keep: client A recovers what client B published during the outage');
const kept = await outage('restart keep', async (b) => {
  await publishFrom(b, 'during-restart-3', 'client B');
  await publishFrom(b, 'during-restart-4', 'client B');
});
checkEq([kept.wasRecovering, kept.recovered, kept.hasRecoveredPublications], [true, true, true],
  'after "restart keep": [wasRecovering, recovered, hasRecoveredPublications]');
checkEq(kept.streamPosition, { offset: 2, epoch }, 'after "restart keep": streamPosition (same epoch)');
await expectPublications([[3, 'during-restart-3'], [4, 'during-restart-4']], 'recovered after "restart keep"');

step('restart lose: recovery fails with a new epoch; history is gone');
const lost = await outage('restart lose', null);
checkEq([lost.wasRecovering, lost.recovered, lost.hasRecoveredPublications], [true, false, false],
  'after "restart lose": [wasRecovering, recovered, hasRecoveredPublications]');
check(lost.streamPosition && lost.streamPosition.epoch !== epoch && lost.streamPosition.epoch.length > 0,
  `after "restart lose": expected a new non-empty epoch (old ${epoch}), got ${describe(lost.streamPosition)}`);
checkEq(lost.streamPosition.offset, 0, 'after "restart lose": streamPosition.offset (fresh stream)');
const hLost = await within(sub.history({ limit: 50 }), REPLY_MS, 'history after "restart lose"');
checkEq([hLost.publications.length, hLost.offset, hLost.epoch], [0, 0, lost.streamPosition.epoch],
  'history after "restart lose": [publications, offset, epoch]');

step('the new stream works: publish, echo at offset 1');
await publishFrom(a, 'after-lose', 'client A');
await expectPublications([[1, 'after-lose']], 'after "restart lose"');

checkEq(sLog.pending('error'), [], 'subscription errors');
checkEq(sLog.pending('unsubscribed'), [], 'unsubscribed events');
checkEq(aLog.pending('disconnected'), [], 'client A disconnected for good');
a.disconnect();
pass(`centrifuge-js ${version} fault hooks`);
