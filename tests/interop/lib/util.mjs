// Small helpers shared by the interop scripts: failing loudly and precisely, a global
// deadline, awaiting events with a timeout, and loading an exact centrifuge-js version.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual, inspect } from 'node:util';

import { closeHost } from './host.mjs';

const require = createRequire(import.meta.url);

let currentStep = 'start';

/** Names what the script is doing now, so a timeout or failure says where it happened. */
export function step(name) {
  currentStep = name;
  log(`step: ${name}`);
}

export function log(msg) {
  process.stdout.write(`${msg}\n`);
}

/** Fails the test: one clear line on stderr, exit code 1. */
export function fail(msg) {
  process.stderr.write(`FAIL [${currentStep}]: ${msg}\n`);
  closeHost();
  process.exit(1);
}

export function pass(msg = 'all checks passed') {
  log(`PASS: ${msg}`);
  closeHost();
  process.exit(0);
}

/**
 * Arms the global deadline: the whole script must finish within `ms`, otherwise it fails
 * naming the step it was stuck in. Also turns stray exceptions and rejections into failures.
 */
export function armDeadline(ms) {
  const t = setTimeout(() => fail(`global timeout: script did not finish within ${ms} ms`), ms);
  t.unref();
  process.on('uncaughtException', (e) => fail(`uncaught exception: ${e && e.stack ? e.stack : e}`));
  process.on('unhandledRejection', (e) => fail(`unhandled rejection: ${describe(e)}`));
}

export function describe(v) {
  if (v instanceof Error) return v.stack || v.message;
  return inspect(v, { depth: 6, breakLength: Infinity });
}

export function check(cond, msg) {
  if (!cond) fail(msg);
}

export function checkEq(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    fail(`${what}: expected ${describe(expected)}, got ${describe(actual)}`);
  }
}

/** The relay URL: first argument, else $RELAY_URL. */
export function relayUrl() {
  const url = process.argv[2] || process.env.RELAY_URL;
  if (!url) fail('usage: node <script> <ws://host:port/connection/websocket> [args]');
  return url;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves with `promise`'s value, or fails the test after `ms` naming `what`. */
export function within(promise, ms, what) {
  let t;
  const timeout = new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(t));
}

/**
 * Records every emission of `events` on `emitter` (centrifuge-js clients/subscriptions are
 * EventEmitters) so that tests can await the next one without missing any that came early.
 */
export class EventLog {
  constructor(emitter, events) {
    this.items = [];      // {event, ctx} in arrival order
    this.cursor = 0;      // items before it were consumed by next()
    this.waiters = [];
    for (const ev of events) {
      emitter.on(ev, (ctx) => {
        this.items.push({ event: ev, ctx });
        for (const w of this.waiters.splice(0)) w();
      });
    }
  }

  /** The next unconsumed emission of `event` (others stay queued), within `ms`. */
  async next(event, ms, what = event) {
    const deadline = Date.now() + ms;
    for (;;) {
      for (let i = this.cursor; i < this.items.length; i++) {
        if (this.items[i].event === event && !this.items[i].taken) {
          this.items[i].taken = true;
          while (this.cursor < this.items.length && this.items[this.cursor].taken) this.cursor++;
          return this.items[i].ctx;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await within(new Promise((r) => this.waiters.push(r)), left, what).catch(() => {});
    }
  }

  /** Emissions of `event` not consumed yet. */
  pending(event) {
    return this.items.slice(this.cursor).filter((x) => x.event === event && !x.taken).map((x) => x.ctx);
  }
}

/** Version string of an installed package, read from its package.json. */
export function installedVersion(name) {
  // Resolve the entry point and walk up to the package root: package.json is not always
  // in a package's "exports".
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pj.name && pj.version) return pj.version;
    } catch { /* keep walking */ }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/** The Centrifuge class of centrifuge-js `version` ("5.4" or "5.8"), checked to be exact. */
export async function loadCentrifuge(version) {
  const exact = { '5.4': '5.4.0', '5.8': '5.8.0' }[version];
  if (!exact) fail(`unknown centrifuge version ${JSON.stringify(version)}: use 5.4 or 5.8`);
  const pkg = `centrifuge-${version}`;
  const got = installedVersion(pkg);
  if (got !== exact) fail(`${pkg} resolves to centrifuge ${got}, expected ${exact} (run npm ci)`);
  const mod = await import(pkg);
  return mod.Centrifuge;
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
