// examples/dapp_only — the program a harness author copies — against the JS wallet (issue 21):
// the wallet's connect flow on core 0.4.0's real BaseClient and WebSocketTransport over
// centrifuge-js 5.4.0 (lib/script_wallet.mjs, as in mwp_wallet_script_vs_cpp_dapp.mjs).
//
//   relay_host -- mwp_wallet_script_vs_example_dapp.mjs mock|ecies trusted|untrusted PATH
//
// PATH is the built example_dapp_only. The script starts it as a user would, with the relay
// relay_host started (127.0.0.1, port 0), a file for the SessionRequest and a timeout; reads
// the SessionRequest from the file (where a real dApp shows a QR code) and connects the
// wallet with it. Untrusted: the user types a wrong OTP on the example's standard input,
// then — once it asks again — the one the wallet shows. The wallet answers the example's
// request with {"id":<its id>,"result":[...]}; the example must print that answer and exit 0.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ClientState, SessionStore, WebSocketTransport } from '@metamask/mobile-wallet-protocol-core';

import { InMemoryKVStore, checkSessionRequest, keyManagerFor } from './lib/mwp.mjs';
import { ScriptWallet } from './lib/script_wallet.mjs';
import {
  EventLog, armDeadline, check, checkEq, describe, fail, installedVersion, log, pass, relayUrl,
  sleep, step, within,
} from './lib/util.mjs';

const DEADLINE_MS = 45000;
const STEP_MS = 15000;
const EXAMPLE_TIMEOUT_S = 25;  // the example's own --timeout, below the script's deadline
const ANSWER = ['0x0000000000000000000000000000000000000001'];

armDeadline(DEADLINE_MS);
const url = relayUrl();
const crypto = process.argv[3] || 'mock';
const mode = process.argv[4] || 'trusted';
const exe = process.argv[5];
if (crypto !== 'mock' && crypto !== 'ecies') fail(`unknown crypto ${JSON.stringify(crypto)}: use mock or ecies`);
if (mode !== 'trusted' && mode !== 'untrusted') fail(`unknown mode ${JSON.stringify(mode)}: use trusted or untrusted`);
if (!exe) fail('usage: mwp_wallet_script_vs_example_dapp.mjs <relay url> mock|ecies trusted|untrusted <example_dapp_only>');
if (!existsSync(exe)) fail(`example_dapp_only not found at ${exe} (build the target example_dapp_only)`);
for (const [name, want] of [['@metamask/mobile-wallet-protocol-core', '0.4.0'], ['centrifuge', '5.4.0'],
  ['eciesjs', '0.4.17']]) {
  const got = installedVersion(name);
  check(got === want, `${name} is ${got}, expected ${want} (run npm ci)`);
}
log(`example_dapp_only vs JS wallet (core 0.4.0 transport, centrifuge-js 5.4.0), ${crypto}, ${mode}, relay ${url}`);

// --- the example, started as a user starts it ------------------------------------------------
step('start example_dapp_only');
const dir = mkdtempSync(join(tmpdir(), 'relayload-dapp-only-'));
const requestFile = join(dir, 'request.json');
const args = ['--target', url, '--request-file', requestFile, '--timeout', String(EXAMPLE_TIMEOUT_S)];
if (crypto === 'mock') args.push('--mock-keys');
if (mode === 'untrusted') args.push('--untrusted');
const child = spawn(exe, args, { stdio: ['pipe', 'pipe', 'pipe'] });
let out = '';
let err = '';
child.stdout.on('data', (d) => { out += d; });
child.stderr.on('data', (d) => { err += d; });
child.on('error', (e) => fail(`cannot start ${exe}: ${describe(e)}`));
let exit = null;
// 'close': exited and its output read to the end.
const exited = new Promise((resolve) => child.on('close', (code, signal) => { exit = { code, signal }; resolve(exit); }));
// Whatever way this script ends, the example does not outlive it and its file goes.
process.on('exit', () => {
  if (exit === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});
const example = () => `example_dapp_only ${args.join(' ')}\n--- stdout\n${out}--- stderr\n${err}`;
const failWithExample = (msg) => fail(`${msg}\n${example()}`);

/** Waits until `cond()` holds, the example exits, or `ms` pass. */
async function until(cond, ms, what) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (exit !== null) failWithExample(`example_dapp_only exited (${describe(exit)}) while waiting for ${what}`);
    if (Date.now() > deadline) failWithExample(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

step('example_dapp_only writes its SessionRequest to the file');
// The example renames a finished temporary file into place, so the file is whole once seen.
await until(() => existsSync(requestFile), STEP_MS, `the SessionRequest in ${requestFile}`);
let request;
try {
  request = JSON.parse(readFileSync(requestFile, 'utf8'));
} catch (e) {
  failWithExample(`the SessionRequest file is not JSON: ${describe(e)}`);
}
checkSessionRequest(request, { mode, crypto });
await until(() => out.includes(`SessionRequest ${request.id} written`), STEP_MS, 'the example to say where the request is');

// --- the JS wallet connects with it ----------------------------------------------------------
step('wallet connects with the SessionRequest and publishes the offer');
const keymanager = keyManagerFor(crypto);
const walletKv = new InMemoryKVStore();
const transport = await WebSocketTransport.create({ url, kvstore: walletKv, websocket: WebSocket });
const sessionstore = await SessionStore.create(walletKv);
const wallet = new ScriptWallet({ transport, keymanager, sessionstore });
const wLog = new EventLog(wallet, ['display_otp', 'connected', 'message', 'error']);
const walletConnecting = wallet.connect(request).then(() => 'resolved', (e) => e);

if (mode === 'untrusted') {
  step('untrusted: the user types a wrong OTP into the example, then the one the wallet shows');
  const otp = await wLog.next('display_otp', STEP_MS, 'wallet display_otp');
  const prompts = () => out.split('enter the OTP').length - 1;
  await until(() => prompts() >= 1, STEP_MS, 'the example to ask for the OTP');
  child.stdin.write(otp === '000000' ? '000001\n' : '000000\n');
  await until(() => prompts() >= 2, STEP_MS, 'the example to ask again after a wrong OTP');
  await until(() => err.includes('otp_mismatch'), STEP_MS, 'the example to report the wrong OTP');
  child.stdin.write(`${otp}\n`);
}

step('wallet connect() resolves: CONNECTED');
const walletOutcome = await within(walletConnecting, STEP_MS, 'wallet connect() to resolve');
if (walletOutcome !== 'resolved') failWithExample(`wallet connect() rejected: ${describe(walletOutcome)}`);
checkEq(wallet.state, ClientState.CONNECTED, 'wallet state');
// (The example's stdout is a pipe, so "dapp: connected" may sit in its buffer until it exits:
// the request below is what shows it connected; the line is checked at the end.)

// --- the example's request and the wallet's answer ------------------------------------------
step('the example sends a request; the wallet answers it');
const payload = await wLog.next('message', STEP_MS, 'the example\'s request').catch((e) => failWithExample(describe(e)));
check(payload !== null && typeof payload === 'object' && payload.id !== undefined,
  `the example's request has no id: ${describe(payload)}`);
checkEq(payload.method, 'eth_accounts', 'the request method');
await within(wallet.respond({ id: payload.id, result: ANSWER }), STEP_MS, 'the wallet answer to publish');

step('example_dapp_only prints the answer and exits 0');
await within(exited, STEP_MS, 'example_dapp_only to exit').catch((e) => failWithExample(describe(e)));
if (exit.code !== 0) failWithExample(`example_dapp_only exited with ${describe(exit)}`);
const answerLine = `dapp: answer ${JSON.stringify({ id: payload.id, result: ANSWER })}`;
check(out.includes(answerLine), `the example did not print "${answerLine}":\n${example()}`);
check(out.includes('dapp: connected\n'), `the example did not print "dapp: connected":\n${example()}`);
check(!/: fatal error/.test(err), `the example reported a fatal error:\n${example()}`);
checkEq(wLog.pending('error'), [], 'wallet errors');
checkEq(wLog.pending('message'), [], 'extra wallet messages');

await within(wallet.disconnect(), STEP_MS, 'wallet disconnect');
log(out.trimEnd());
pass(`example_dapp_only (${crypto}, ${mode}) vs the JS wallet: handshake and one request answered`);
