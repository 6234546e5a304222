// The JS wallet's connect flow (packages/wallet-client, protocol.md §2.8/§2.9 steps 4–9,
// 4–16) written on core 0.4.0's real BaseClient: the MWP wallet client is not published on
// npm, so the interop scripts that need a JS wallet build it from the pieces it is made of.
// Every frame on its socket comes from the real WebSocketTransport over centrifuge-js.
// Used by mwp_wallet_script_vs_cpp_dapp.mjs and mwp_wallet_script_vs_example_dapp.mjs.

import { randomUUID } from 'node:crypto';
import { BaseClient, ClientState, DEFAULT_SESSION_TTL } from '@metamask/mobile-wallet-protocol-core';

/** How long the untrusted wallet waits for the handshake-ack (§2.9 step 8). */
export const OTP_DEADLINE_MS = 60000;

// As packages/wallet-client does it: validate the request; a new session (channel
// session:<uuid>, new key pair, 30-day expiry) set before any I/O when trusted, after both
// subscribe replies when untrusted; subscribe to the handshake and the session channel
// together; publish the offer; untrusted: show the OTP and wait for the ack until the
// deadline; store the session; clear the handshake channel; CONNECTED.
export class ScriptWallet extends BaseClient {
  constructor({ transport, keymanager, sessionstore }) {
    super(transport, keymanager, sessionstore);
    this.ackWaiter = null;
  }

  handleMessage(message) {
    if (message.type === 'handshake-ack') {
      if (this.ackWaiter) this.ackWaiter();
      return;
    }
    if (message.type === 'message') this.emit('message', message.payload);
  }

  async connect(request) {
    if (request.mode !== 'trusted' && request.mode !== 'untrusted') throw new Error(`bad mode ${request.mode}`);
    if (Date.now() > request.expiresAt) throw new Error('REQUEST_EXPIRED: the SessionRequest has expired');
    const theirPublicKey = new Uint8Array(Buffer.from(request.publicKeyB64, 'base64'));
    this.keymanager.validatePeerKey(theirPublicKey);
    const channelId = randomUUID();
    const session = {
      id: request.id,
      channel: `session:${channelId}`,
      keyPair: this.keymanager.generateKeyPair(),
      theirPublicKey,
      expiresAt: Date.now() + DEFAULT_SESSION_TTL,
    };
    this.state = ClientState.CONNECTING;
    if (request.mode === 'trusted') this.session = session;
    await this.transport.connect();
    await Promise.all([this.transport.subscribe(request.channel), this.transport.subscribe(session.channel)]);
    if (request.mode === 'untrusted') this.session = session;

    const payload = { publicKeyB64: Buffer.from(session.keyPair.publicKey).toString('base64'), channelId };
    let acked = null;
    if (request.mode === 'untrusted') {
      const otp = String(100000 + (globalThis.crypto.getRandomValues(new Uint32Array(1))[0] % 900000));
      const deadline = Date.now() + OTP_DEADLINE_MS;
      payload.otp = otp;
      payload.deadline = deadline;
      this.emit('display_otp', otp, deadline);
      await this.sendMessage(request.channel, { type: 'handshake-offer', payload });
      acked = new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('REQUEST_EXPIRED: no handshake-ack before the OTP deadline')),
          deadline - Date.now());
        this.ackWaiter = () => { clearTimeout(t); this.ackWaiter = null; resolve(); };
      });
      await acked;
    } else {
      await this.sendMessage(request.channel, { type: 'handshake-offer', payload });
    }
    await this.sessionstore.set(session);
    await this.transport.clear(request.channel);
    this.state = ClientState.CONNECTED;
    this.emit('connected');
  }

  respond(payload) {
    return this.sendMessage(this.session.channel, { type: 'message', payload });
  }
}
