/**
 * The phone's device key: an ES256 key pair made by WebCrypto with a private half that cannot be
 * exported, kept in IndexedDB (which stores the CryptoKey itself, never its bytes). The wallet
 * registers its public half and signs each presentation's proof with the private one.
 */
const DB = 'onecard-wallet';
const STORE = 'keys';
const KEY = 'device';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function inStore<T>(mode: IDBTransactionMode, act: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const req = act(db.transaction(STORE, mode).objectStore(STORE));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export interface DeviceKey {
  keys: CryptoKeyPair;
  /** Set once the stack registered the key: its device id and the credential it issued. */
  deviceId?: string;
  credential?: string;
}

export const loadDevice = () => inStore<DeviceKey | undefined>('readonly', (s) => s.get(KEY));
export const saveDevice = (device: DeviceKey) => inStore('readwrite', (s) => s.put(device, KEY));
export const forgetDevice = () => inStore('readwrite', (s) => s.delete(KEY));

/** A new key pair whose private half never leaves WebCrypto (extractable: false). */
export async function newDevice(): Promise<DeviceKey> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const device = { keys };
  await saveDevice(device);
  return device;
}

/** The public half as the API takes it: a P-256 JWK (WebCrypto made it so: asserted, not assumed). */
export async function publicJwk(device: Pick<DeviceKey, 'keys'>) {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', device.keys.publicKey);
  if (kty !== 'EC' || crv !== 'P-256' || !x || !y) throw new Error('the device key is not P-256');
  return { kty, crv, x, y } as const;
}

const b64u = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * The proof for one terminal's challenge (the contract's `onecard-proof+jwt`): bound to the
 * credential (`ath`), the terminal (`tid`) and the challenge (`chl`; "qr" for a code shown without
 * one). WebCrypto's ECDSA signature is already JWS's r || s.
 */
export async function proofFor(
  device: Pick<DeviceKey, 'keys'>,
  credential: string,
  terminalId: string,
  challenge: string,
) {
  const ath = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(credential))));
  const header = b64u(utf8(JSON.stringify({ alg: 'ES256', typ: 'onecard-proof+jwt' })));
  const claims = { ath, chl: challenge, tid: terminalId, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID() };
  const payload = b64u(utf8(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    device.keys.privateKey,
    utf8(`${header}.${payload}`),
  );
  return `${header}.${payload}.${b64u(new Uint8Array(signature))}`;
}

/** An operator's credential of one fare day (version 2), with the key the phone made for it alone. */
export interface DayCredential {
  keys: CryptoKeyPair;
  credential: string;
  expiresAt: string;
}
export const loadDayCredential = (scope: string) =>
  inStore<DayCredential | undefined>('readonly', (s) => s.get(`day:${scope}`));
export const saveDayCredential = (scope: string, day: DayCredential) =>
  inStore('readwrite', (s) => s.put(day, `day:${scope}`));

/** A fresh key pair for one operator and one fare day: never the device key, never another day's. */
export const newDayKeys = () =>
  crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
