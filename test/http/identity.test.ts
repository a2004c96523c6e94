import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, citizenWithCard, jsonRequest, login, residentId } from '../support/citizen';
import { body } from '../support/http';
import { assertionFor, newKey, type TestKey } from '../support/jose-kit';

const clock = testClock();
const { app, backend } = useTestBackend({ clock });

async function registerTerminal(scope: Record<string, unknown> = { routeIds: ['B1'] }, kind = 'transit-terminal') {
  const key = await newKey();
  const res = await app.request(
    '/v1/admin/clients',
    jsonRequest('POST', { kind, name: 'bus 1', publicKeyJwk: key.publicJwk, scope }, adminAuth),
  );
  const json = await body(res);
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(json)}`);
  return { key, clientId: json.clientId as string };
}

const machineGet = async (path: string, client: { clientId: string; key: TestKey }, options = {}) =>
  app.request(path, {
    headers: { authorization: `Bearer ${await assertionFor(client.clientId, client.key, new Date(), options)}` },
  });

describe('devices and credentials', () => {
  it('issues a credential bound to the device key, verifiable with the published JWKS', async () => {
    const { auth, card } = await citizenWithCard(app);
    const key = await newKey();
    const dev = await app.request(
      '/v1/me/devices',
      jsonRequest('POST', { publicKeyJwk: key.publicJwk, name: 'phone' }, auth),
    );
    expect(dev.status).toBe(201);
    const { deviceId } = await body(dev);
    const res = await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId }, auth));
    expect(res.status).toBe(201);
    const { credential, expiresAt } = await body(res);
    const jwks = await body(await app.request('/.well-known/jwks.json'));
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    const { payload, protectedHeader } = await jwtVerify(credential, createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      typ: 'onecard-credential+jwt',
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({
      sub: card.cardId,
      did: deviceId,
      fcl: 'adult',
      olim: 2000,
      cnf: { jwk: key.publicJwk },
    });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(86400);
    expect(new Date(expiresAt).getTime() / 1000).toBe(payload.exp);
  });

  it('refuses a key that is not a P-256 public key', async () => {
    const { auth } = await citizenWithCard(app);
    const key = await newKey();
    const bad = [
      { ...key.publicJwk, crv: 'P-384' },
      { ...key.publicJwk, d: key.publicJwk.x },
      { ...key.publicJwk, y: key.publicJwk.x },
      { kty: 'oct', k: 'abc' },
    ];
    for (const publicKeyJwk of bad) {
      const res = await app.request('/v1/me/devices', jsonRequest('POST', { publicKeyJwk, name: 'x' }, auth));
      expect(res.status).toBe(400);
      expect((await body(res)).error.details.issues[0].path).toBe('publicKeyJwk');
    }
  });

  it('revokes a device: no more credentials, and it shows on the deny list', async () => {
    const { auth } = await citizenWithCard(app);
    const key = await newKey();
    const { deviceId } = await body(
      await app.request(
        '/v1/me/devices',
        jsonRequest('POST', { publicKeyJwk: key.publicJwk, name: 'old phone' }, auth),
      ),
    );
    const terminal = await registerTerminal();
    const before = (await body(await machineGet('/v1/terminal/deny-list?since=0', terminal))).version;
    const del = await app.request(`/v1/me/devices/${deviceId}`, { method: 'DELETE', headers: auth });
    expect((await body(del)).status).toBe('revoked');
    const credential = await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId }, auth));
    expect((await body(credential)).error.code).toBe('DEVICE_REVOKED');
    const delta = await body(await machineGet(`/v1/terminal/deny-list?since=${before}`, terminal));
    expect(delta.added).toContainEqual({ kind: 'device', id: deviceId });
  });
});

describe('machine clients', () => {
  it('registers only with a known scope for its kind', async () => {
    const key = await newKey();
    const reg = (kind: string, scope: unknown) =>
      app.request(
        '/v1/admin/clients',
        jsonRequest('POST', { kind, name: 'n', publicKeyJwk: key.publicJwk, scope }, adminAuth),
      );
    expect((await reg('transit-terminal', { routeIds: ['NOPE'] })).status).toBe(400);
    expect((await reg('transit-terminal', { merchantId: 'm-tea' })).status).toBe(400);
    expect((await reg('merchant-pos', { merchantId: 'm-tea' })).status).toBe(201);
    expect((await reg('biller', { billerId: 'water' })).status).toBe(201);
    expect((await reg('biller', { billerId: 'water', extra: 1 })).status).toBe(400);
  });

  it('authenticates each request by a fresh ES256 assertion', async () => {
    const terminal = await registerTerminal();
    expect((await machineGet('/v1/terminal/deny-list', terminal)).status).toBe(200);
    const reused = await assertionFor(terminal.clientId, terminal.key);
    const headers = { authorization: `Bearer ${reused}` };
    expect((await app.request('/v1/terminal/deny-list', { headers })).status).toBe(200);
    expect((await app.request('/v1/terminal/deny-list', { headers })).status).toBe(401);
    expect((await machineGet('/v1/terminal/deny-list', terminal, { lifetime: 301 })).status).toBe(401);
    expect((await machineGet('/v1/terminal/deny-list', terminal, { aud: 'someone-else' })).status).toBe(401);
    const stranger = await newKey();
    expect((await machineGet('/v1/terminal/deny-list', { clientId: terminal.clientId, key: stranger })).status).toBe(
      401,
    );
    const expired = await assertionFor(terminal.clientId, terminal.key, new Date(Date.now() - 10 * 60_000));
    expect(
      (await app.request('/v1/terminal/deny-list', { headers: { authorization: `Bearer ${expired}` } })).status,
    ).toBe(401);
  });

  it('keeps a client within its kind: a biller may not read the terminal deny list', async () => {
    const biller = await registerTerminal({ billerId: 'gas' }, 'biller');
    const res = await machineGet('/v1/terminal/deny-list', biller);
    expect(res.status).toBe(403);
    expect((await body(res)).error.code).toBe('FORBIDDEN');
  });
});

describe('the deny list', () => {
  it('versions freezes and unfreezes as deltas', async () => {
    const terminal = await registerTerminal();
    const { auth, card } = await citizenWithCard(app);
    const v0 = (await body(await machineGet('/v1/terminal/deny-list?since=0', terminal))).version;
    await app.request('/v1/me/card/freeze', { method: 'POST', headers: auth });
    const afterFreeze = await body(await machineGet(`/v1/terminal/deny-list?since=${v0}`, terminal));
    expect(afterFreeze.added).toEqual([{ kind: 'card', id: card.cardId }]);
    expect((await body(await machineGet('/v1/terminal/deny-list?since=0', terminal))).added).toContainEqual({
      kind: 'card',
      id: card.cardId,
    });
    await app.request('/v1/me/card/unfreeze', { method: 'POST', headers: auth });
    const afterUnfreeze = await body(await machineGet(`/v1/terminal/deny-list?since=${afterFreeze.version}`, terminal));
    expect(afterUnfreeze.removed).toEqual([{ kind: 'card', id: card.cardId }]);
    expect((await body(await machineGet('/v1/terminal/deny-list?since=0', terminal))).added).not.toContainEqual({
      kind: 'card',
      id: card.cardId,
    });
    expect((await machineGet('/v1/terminal/deny-list?since=-1', terminal)).status).toBe(400);
    // Only decimal digits are a version: nothing JavaScript would make a number of.
    for (const since of ['', '%20', '0x10', '1e1', '1.0', '01']) {
      const res = await machineGet(`/v1/terminal/deny-list?since=${since}`, terminal);
      expect([since, res.status]).toEqual([since, 400]);
    }
    expect((await machineGet('/v1/terminal/deny-list', terminal)).status).toBe(200);
  });
});

describe('key rotation', () => {
  it('keeps yesterday’s credentials verifiable and signs with the key published before', async () => {
    const { auth } = await citizenWithCard(app);
    const key = await newKey();
    const { deviceId } = await body(
      await app.request('/v1/me/devices', jsonRequest('POST', { publicKeyJwk: key.publicJwk, name: 'p' }, auth)),
    );
    const old = (await body(await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId }, auth))))
      .credential;
    const jwksBefore = await body(await app.request('/.well-known/jwks.json'));
    const rotated = await body(await app.request('/v1/admin/keys/rotate', { method: 'POST', headers: adminAuth }));
    expect(jwksBefore.keys.map((k: { kid: string }) => k.kid)).toContain(rotated.current);
    // Every function keeps the key ring it read for a minute (each area is a function of its own):
    // until then the citizen area signs with the key now previous, which verifies all the same, and
    // the JWKS lacks only the fresh next key, which signs nothing until the next rotation.
    const issued = async () =>
      (await body(await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId }, auth)))).credential;
    const meanwhile = await issued();
    expect([rotated.previous, rotated.current]).toContain(decodeProtectedHeader(meanwhile).kid);
    await expect(jwtVerify(meanwhile, createLocalJWKSet(jwksBefore), { algorithms: ['ES256'] })).resolves.toBeTruthy();
    clock.advance(61_000);
    const jwksAfter = await body(await app.request('/.well-known/jwks.json'));
    expect(jwksAfter.keys.map((k: { kid: string }) => k.kid).sort()).toEqual(
      [rotated.previous, rotated.current, rotated.next].sort(),
    );
    await expect(jwtVerify(old, createLocalJWKSet(jwksAfter), { algorithms: ['ES256'] })).resolves.toBeTruthy();
    const fresh = await issued();
    expect(decodeProtectedHeader(fresh).kid).toBe(rotated.current);
    expect(await calculateJwkThumbprint(jwksAfter.keys.find((k: { kid: string }) => k.kid === rotated.current))).toBe(
      rotated.current,
    );
  });
});

describe('the terminal configuration', () => {
  it('gives an offline terminal the issuer, the keys, its routes’ fares and the deny-list version', async () => {
    const terminal = await registerTerminal({ routeIds: ['Z1'] });
    const res = await machineGet('/v1/terminal/config', terminal);
    expect(res.status).toBe(200);
    const config = await body(res);
    expect(config).toMatchObject({
      clientId: terminal.clientId,
      issuer: 'https://onecard.local',
      denyListVersion: expect.any(Number),
    });
    expect(config.jwks.keys.length).toBeGreaterThanOrEqual(2);
    expect(config.fareTable.routes.map((r: { routeId: string }) => r.routeId)).toEqual(['Z1']);
    expect(config.fareTable.version).toBe(1);
  });

  it('answers 404 for the card before it is opened', async () => {
    const who = await login(app);
    const res = await app.request('/v1/me/card', { headers: { authorization: `Bearer ${who.token}` } });
    expect(res.status).toBe(404);
  });
});

describe('what the store keeps of a person', () => {
  it('keeps no phone number and no resident id a reader could rebuild, in any key or attribute', async () => {
    // Prepare: a citizen who logged in, asked for a code again, and opened a card.
    const who = await citizenWithCard(app, { birthDate: '1985-07-09' });
    await app.request('/v1/auth/otp', jsonRequest('POST', { phone: who.phone }));
    await app.request('/v1/auth/token', jsonRequest('POST', { phone: who.phone, code: '000000' }));
    // Act: read the whole table, as a backup or a support query would.
    const { store } = backend().deps;
    const items = (await store.doc.send(new ScanCommand({ TableName: store.tableName }))).Items ?? [];
    const text = JSON.stringify(items);
    // Assess: the number is in no key and no attribute (only masked), and the id number's mask with
    // the birth date beside it leaves eight digits unknown.
    expect(text).not.toContain(who.phone);
    expect(text).not.toContain(who.phone.slice(3));
    expect(text).toContain(`${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`);
    const card = items.find((i) => i.cardId === who.card.cardId && i.sk === 'A')!;
    expect(card).toMatchObject({ birthDate: '1985-07-09', residentIdMasked: expect.stringMatching(/^\d\*{16}[\dX]$/) });
    expect(text).not.toContain(who.idNumber.slice(0, 6));
  });
});

describe('names people type', () => {
  it('refuses control and format characters and lone surrogates, and keeps every real name', async () => {
    const open = async (name: string) => {
      const { token } = await login(app);
      const res = await app.request(
        '/v1/me/card',
        jsonRequest(
          'POST',
          { name, idNumber: residentId('1992-03-04'), birthDate: '1992-03-04' },
          { authorization: `Bearer ${token}` },
        ),
      );
      return [res.status, (await body(res)).error?.details?.issues?.[0]?.path];
    };
    for (const bad of ['\u202Eevil\u0000\uD800', 'Li\u0000Lei', 'Li\u202ELei', 'Li\uDC00', 'Li\nLei', 'Li\u200BLei']) {
      expect(await open(bad)).toEqual([400, 'name']);
    }
    for (const good of [
      '韩梅梅',
      '阿卜杜拉·艾买提',
      'Seán O’Brien-Smith',
      "Seán O'Brien-Smith",
      'Nguyễn Thị Minh Khai',
    ]) {
      expect(await open(good)).toEqual([201, undefined]);
    }
    const { auth } = await citizenWithCard(app);
    const device = await app.request(
      '/v1/me/devices',
      jsonRequest('POST', { publicKeyJwk: (await newKey()).publicJwk, name: 'phone\u202E' }, auth),
    );
    expect(device.status).toBe(400);
  });
});
