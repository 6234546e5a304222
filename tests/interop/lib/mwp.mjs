// What the MWP interop scripts share: the two key managers of the MWP apps, an in-memory
// KV store, the load test's request payload, and the check of a SessionRequest.

import { createRequire } from 'node:module';

import { UUID_V4, check, checkEq, describe } from './util.mjs';

const require = createRequire(import.meta.url);

/** The MockKeyManager's public key: 33 × 0x43 (protocol.md §3.4). */
export const MOCK_PUBLIC_KEY_B64 = 'Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND';

/** The load tests' MockKeyManager (apps/load-tests/src/client/key-manager.ts, §3.4). */
export class MockKeyManager {
  constructor() { this.decrypted = []; this.encrypted = 0; }
  generateKeyPair() {
    return { privateKey: new Uint8Array(32).fill(0x42), publicKey: new Uint8Array(33).fill(0x43) };
  }
  async encrypt(plaintext, _theirPublicKey) {
    this.encrypted++;
    return Buffer.from(plaintext, 'utf8').toString('base64');
  }
  async decrypt(encryptedB64, _myPrivateKey) {
    const text = Buffer.from(encryptedB64, 'base64').toString('utf8');
    this.decrypted.push(text);
    return text;
  }
  validatePeerKey(_key) {}
}

// The demo apps' KeyManager (apps/web-demo/src/lib/KeyManager.ts), written from protocol.md
// §3.1/§3.2: secp256k1 key pair with a 33-byte compressed public key; eciesjs defaults.
const eciesjs = require('eciesjs');
export class EciesKeyManager {
  constructor() { this.decrypted = []; this.encrypted = 0; }
  generateKeyPair() {
    const sk = new eciesjs.PrivateKey();
    return { privateKey: new Uint8Array(sk.secret), publicKey: sk.publicKey.toBytes(true) };
  }
  async encrypt(plaintext, theirPublicKey) {
    this.encrypted++;
    return eciesjs.encrypt(theirPublicKey, Buffer.from(plaintext, 'utf8')).toString('base64');
  }
  async decrypt(encryptedB64, myPrivateKey) {
    const out = eciesjs.decrypt(myPrivateKey, Buffer.from(encryptedB64, 'base64'));
    const text = Buffer.from(out).toString('utf8');
    this.decrypted.push(text);
    return text;
  }
  validatePeerKey(key) {
    eciesjs.PublicKey.fromHex(Buffer.from(key).toString('hex'));  // throws on a bad key
  }
}

/** The key manager named on the command line: `mock` or `ecies`. */
export function keyManagerFor(kind) {
  if (kind === 'mock') return new MockKeyManager();
  if (kind === 'ecies') return new EciesKeyManager();
  throw new Error(`unknown crypto ${JSON.stringify(kind)}: use mock or ecies`);
}

export class InMemoryKVStore {
  constructor() { this.map = new Map(); }
  async get(key) { return this.map.has(key) ? this.map.get(key) : null; }
  async set(key, value) { this.map.set(key, value); }
  async delete(key) { this.map.delete(key); }
}

/** The load test's exchangeMessage request (protocol.md §4.3); the `id` goes last. */
export const SAMPLE_REQUEST = {
  method: 'personal_sign',
  params: ['0x4578616d706c65206d65737361676520746f207369676e', '0x1234567890abcdef1234567890abcdef12345678'],
};

/**
 * Checks a SessionRequest from either dApp, the JS one or OUR C++ one (protocol.md §2.8): its
 * keys in order, a lowercase UUID v4 id, `mode`, channel handshake:<id>, an expiry about 60 s
 * from now, and the public key of `crypto`'s key manager (`mock` or `ecies`).
 */
export function checkSessionRequest(request, { mode, crypto }) {
  // The JS dApp's object holds `initialMessage: undefined`, which JSON.stringify leaves out;
  // a parsed request (OUR C++ dApp's) has no undefined keys.
  checkEq(Object.keys(request).filter((k) => request[k] !== undefined),
    ['id', 'mode', 'channel', 'publicKeyB64', 'expiresAt'], 'SessionRequest keys (in order)');
  check(UUID_V4.test(request.id), `SessionRequest.id ${describe(request.id)} is not a lowercase UUID v4`);
  checkEq(request.mode, mode, 'SessionRequest.mode');
  checkEq(request.channel, `handshake:${request.id}`, 'SessionRequest.channel');
  check(Number.isInteger(request.expiresAt) && Math.abs(request.expiresAt - (Date.now() + 60000)) < 10000,
    `SessionRequest.expiresAt ${request.expiresAt} is not about now + 60 s`);
  if (crypto === 'mock') {
    checkEq(request.publicKeyB64, MOCK_PUBLIC_KEY_B64, 'SessionRequest.publicKeyB64 (MockKeyManager)');
  } else {
    const key = Buffer.from(request.publicKeyB64, 'base64');
    check(key.length === 33 && (key[0] === 2 || key[0] === 3),
      `SessionRequest.publicKeyB64 ${request.publicKeyB64} is not a 33-byte compressed key`);
  }
}
