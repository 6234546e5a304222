// Interop: relayload's ECIES (through ecies_tool) against the real eciesjs 0.4.17 from npm,
// both directions, random keys and plaintexts, under the eciesjs default configuration (what
// MWP uses) and under each non-default ECIES_CONFIG switch (protocol.md §6 Q10).
//
//   node ecies_interop.mjs <path/to/ecies_tool> [rounds per configuration, default 12]
//
// Exits 0 and prints "N passed, 0 failed" when everything matches; exits 1 with the first
// mismatch described otherwise.
import { spawnSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const eciesjs = require("eciesjs");
const { encrypt, decrypt, PrivateKey, PublicKey, ECIES_CONFIG } = eciesjs;

const tool = process.argv[2];
const rounds = Number(process.argv[3] ?? 12);
if (!tool || !(rounds > 0)) {
  console.error("usage: node ecies_interop.mjs <ecies_tool> [rounds]");
  process.exit(2);
}

let passed = 0;
function fail(message) {
  console.error(`FAIL: ${message}`);
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
}
function check(condition, message) {
  if (!condition) fail(message());
  ++passed;
}

// eciesjs's "exports" map hides package.json; read it next to the resolved entry point.
const pkgPath = join(dirname(require.resolve("eciesjs")), "..", "package.json");
const version = JSON.parse(readFileSync(pkgPath, "utf8")).version;
if (version !== "0.4.17") fail(`expected eciesjs 0.4.17, found ${version}`);

function run(args) {
  const r = spawnSync(tool, args, { encoding: "buffer", maxBuffer: 1 << 24 });
  if (r.error) fail(`cannot run ${tool}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}
function runOk(args) {
  const r = run(args);
  if (r.status !== 0) fail(`ecies_tool ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// Random text without NUL (it travels through argv): ASCII JSON, Latin-1, CJK, emoji.
const alphabet = [..."abcdefghijklmnopqrstuvwxyz0123456789 {}[]\":,._-+/=\\\n\t", "é", "ß", "漢", "字", "🔑", "🦊"];
function randomText(maxLen) {
  const n = randomInt(0, maxLen + 1);
  let s = "";
  for (let i = 0; i < n; ++i) s += alphabet[randomInt(0, alphabet.length)];
  return s;
}
function randomMessage() {
  // Mostly protocol-message-shaped, sometimes free text, sometimes empty.
  const kind = randomInt(0, 4);
  if (kind === 0) return randomText(300);
  if (kind === 1) return "";
  return JSON.stringify({ type: "message", payload: { method: "personal_sign", params: [randomText(80)], id: randomInt(1, 1e9) } });
}

const defaults = { ...ECIES_CONFIG };
const configs = [
  { name: "eciesjs defaults (MWP)", flags: [], config: {} },
  { name: "symmetricNonceLength 12", flags: ["--nonce-length", "12"], config: { symmetricNonceLength: 12 } },
  { name: "isEphemeralKeyCompressed", flags: ["--ephemeral-compressed"], config: { isEphemeralKeyCompressed: true } },
  { name: "isHkdfKeyCompressed", flags: ["--hkdf-compressed"], config: { isHkdfKeyCompressed: true } },
  {
    name: "xchacha20, both compressed",
    flags: ["--cipher", "xchacha20", "--ephemeral-compressed", "--hkdf-compressed"],
    config: { symmetricAlgorithm: "xchacha20", isEphemeralKeyCompressed: true, isHkdfKeyCompressed: true },
  },
];

// The §5.3 X1 vector, to be sure the Node side is what the vectors were made with.
{
  const x1 =
    "BEZtf8rlY+XLCaDRhwu1gDRIBGF4eaFJSc8iKF8brj8nZygXbDxkMfju2kU43DfIZeJ4Tzqed9BE8z5Ad5fhJ4ozMzMzMzMzMzMzMzMzMzMzWsMLsD74VSvAIUgkOJ/f0fSWiHg7UqE7rWM8Md+C8EiXFN4y0U1nzw==";
  const sk = "11".repeat(32);
  check(decrypt(sk, Buffer.from(x1, "base64")).toString() === '{"type":"handshake-ack"}', () => "eciesjs cannot decrypt X1");
  check(runOk(["decrypt", sk, x1]).toString() === '{"type":"handshake-ack"}', () => "ecies_tool cannot decrypt X1");
}

for (const { name, flags, config } of configs) {
  Object.assign(ECIES_CONFIG, defaults, config);
  const overhead = ECIES_CONFIG.ephemeralKeySize + (ECIES_CONFIG.symmetricAlgorithm === "xchacha20" ? 24 : ECIES_CONFIG.symmetricNonceLength) + 16;
  for (let round = 0; round < rounds; ++round) {
    const text = randomMessage();
    const where = () => `[${name}, round ${round}, plaintext ${JSON.stringify(text).slice(0, 80)}]`;

    // 1. eciesjs key → ecies_tool encrypts → eciesjs decrypts. Alternate the key form.
    const sk = new PrivateKey();
    const pkHex = sk.publicKey.toHex(round % 2 === 0);
    const b64 = runOk([...flags, "encrypt", pkHex, text]).toString().trim();
    const blob = Buffer.from(b64, "base64");
    check(blob.toString("base64") === b64, () => `${where()} C++ payload is not canonical base64: ${b64}`);
    check(blob.length === Buffer.byteLength(text) + overhead, () => `${where()} C++ blob has ${blob.length} bytes`);
    let plain;
    try {
      plain = decrypt(sk.secret, blob).toString("utf8");
    } catch (e) {
      fail(`${where()} eciesjs could not decrypt the C++ payload: ${e.message}`);
    }
    check(plain === text, () => `${where()} eciesjs decrypted the C++ payload to ${JSON.stringify(plain)}`);

    // 2. ecies_tool key → eciesjs encrypts → ecies_tool decrypts.
    const [privHex, pubHex] = runOk([...flags, "keygen"]).toString().trim().split("\n");
    check(new PrivateKey(Buffer.from(privHex, "hex")).publicKey.toHex() === pubHex, () => `${where()} C++ public key ${pubHex} does not belong to ${privHex}`);
    check(pubHex.length === 66 && /^0[23]/.test(pubHex), () => `${where()} C++ public key is not compressed: ${pubHex}`);
    const jsPayload = encrypt(pubHex, Buffer.from(text, "utf8")).toString("base64");
    const back = runOk([...flags, "decrypt", privHex, jsPayload]).toString("utf8");
    check(back === text, () => `${where()} ecies_tool decrypted the eciesjs payload to ${JSON.stringify(back)}`);

    // 3. Binary plaintext (any bytes, through --hex) in both directions.
    const bin = randomBytes(randomInt(0, 64));
    const binB64 = runOk([...flags, "--hex", "encrypt", pkHex, bin.toString("hex")]).toString().trim();
    check(Buffer.compare(decrypt(sk.secret, Buffer.from(binB64, "base64")), bin) === 0, () => `${where()} binary C++ → eciesjs mismatch`);
    const binBack = runOk([...flags, "--hex", "decrypt", privHex, encrypt(pubHex, bin).toString("base64")]).toString();
    check(binBack === bin.toString("hex"), () => `${where()} binary eciesjs → C++ mismatch`);

    // 4. A tampered eciesjs payload must be refused.
    const tampered = Buffer.from(jsPayload, "base64");
    tampered[randomInt(0, tampered.length)] ^= 1 << randomInt(0, 8);
    const r = run([...flags, "decrypt", privHex, tampered.toString("base64")]);
    check(r.status === 1 && /decryption_failed/.test(r.stderr), () => `${where()} tampered payload: exit ${r.status}, ${r.stderr}`);
  }
}
Object.assign(ECIES_CONFIG, defaults);

// validatePeerKey: ecies_tool must accept exactly what eciesjs PublicKey.fromHex accepts.
{
  const pk = new PrivateKey().publicKey;
  const unc = pk.toHex(false);
  const flip = (hex, at) => hex.slice(0, at) + ((parseInt(hex[at], 16) ^ 1).toString(16)) + hex.slice(at + 1);
  const candidates = [
    pk.toHex(true),
    unc,
    unc.slice(2),
    "43".repeat(33),
    "",
    "05" + pk.toHex(true).slice(2),
    "06" + unc.slice(2),
    "07" + unc.slice(2),
    flip(unc, unc.length - 1),
    flip(unc.slice(2), 127),
    "02" + "ff".repeat(32),
    "02" + "00".repeat(31) + "05",
    "00",
    unc + "00",
    "11".repeat(32),
  ];
  for (let i = 0; i < 20; ++i) candidates.push("0" + randomInt(2, 4) + randomBytes(32).toString("hex"));
  for (const hex of candidates) {
    let js;
    try {
      PublicKey.fromHex(hex);
      js = "valid";
    } catch {
      js = "invalid";
    }
    if (hex === "") {
      // An empty argv entry is fine for ecies_tool too (an empty key).
      check(js === "invalid", () => "eciesjs accepted an empty key");
    }
    const cpp = runOk(["validate", hex]).toString().trim();
    check(cpp === js, () => `validate ${hex}: eciesjs says ${js}, ecies_tool says ${cpp}`);
  }
}

console.log(`${passed} passed, 0 failed`);
