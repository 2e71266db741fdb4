import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

/**
 * A passkey authenticator in software, for tests: it makes P-256 credentials and answers WebAuthn
 * ceremonies as a browser and a platform authenticator would (attestation "none", counters that
 * move forward), from whatever origin the test says the page was on.
 */

interface Credential {
  id: Uint8Array;
  privateKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string | undefined };
  user: { id: string };
}

interface RequestOptions {
  challenge: string;
  rpId?: string | undefined;
  allowCredentials?: { id: string }[] | undefined;
}

const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash("sha256").update(data).digest());
const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const bytes = (text: string) => new TextEncoder().encode(text);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function uint32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

// Flags: user present (0x01), user verified (0x04), attested credential data included (0x40).
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export class SoftwareAuthenticator {
  readonly credentials: Credential[] = [];
  userVerification = true;

  constructor(private readonly origin: string) {}

  create(options: CreationOptions, origin = this.origin) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const coseKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, isoBase64URL.toBuffer(jwk.x as string)],
        [-3, isoBase64URL.toBuffer(jwk.y as string)],
      ]),
    );
    const rpId = options.rp.id ?? new URL(origin).hostname;
    const id = new Uint8Array(randomBytes(16));
    const credential: Credential = { id, privateKey, rpId, userHandle: options.user.id, counter: 0 };
    this.credentials.push(credential);
    const idLength = new Uint8Array([id.length >> 8, id.length & 0xff]);
    const authData = concat(
      sha256(rpId),
      new Uint8Array([UP | AT | (this.userVerification ? UV : 0)]),
      uint32(0),
      new Uint8Array(16),
      idLength,
      id,
      coseKey,
    );
    const clientDataJSON = bytes(
      JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin, crossOrigin: false }),
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", authData],
      ]),
    );
    return {
      id: b64(id),
      rawId: b64(id),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64(clientDataJSON),
        attestationObject: b64(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }

  /** Answers a sign-in; `counter` forces the signature counter (a cloned authenticator's). */
  get(options: RequestOptions, settings: { origin?: string; counter?: number } = {}) {
    const allowed = options.allowCredentials?.map((c) => c.id);
    const credential = this.credentials.find(
      (c) => (!options.rpId || c.rpId === options.rpId) && (!allowed?.length || allowed.includes(b64(c.id))),
    );
    if (!credential) throw new Error("The authenticator has no credential for this request.");
    credential.counter = settings.counter ?? credential.counter + 1;
    const authenticatorData = concat(
      sha256(credential.rpId),
      new Uint8Array([UP | (this.userVerification ? UV : 0)]),
      uint32(credential.counter),
    );
    const clientDataJSON = bytes(
      JSON.stringify({
        type: "webauthn.get",
        challenge: options.challenge,
        origin: settings.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    const signature = sign(
      "sha256",
      concat(authenticatorData, sha256(clientDataJSON)),
      credential.privateKey,
    );
    return {
      id: b64(credential.id),
      rawId: b64(credential.id),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authenticatorData),
        signature: b64(new Uint8Array(signature)),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
    };
  }
}
