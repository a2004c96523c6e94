import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { startLocalBackend } from '../infra/local-backend';
import { currentFareDays } from '../shared/time/shanghai';
import { TEST_ADMIN_TOKEN } from '../test/support/backend';
import { jsonRequest } from '../test/support/citizen';
import { assertionFor, newKey } from '../test/support/jose-kit';
import { registerTerminal, rider, tapBody } from '../test/support/rider';
import type { capture, writeUnits } from './flows';
import { summary } from './stats';

type Backend = Awaited<ReturnType<typeof startLocalBackend>>;
const RIDERS = 20;
/** Under the seed's daily cap (five rides of 200 fen): every tap moves money. */
const TAPS_PER_RIDER = 5;

/**
 * Taps with the unlinkable credential (version 2) against taps with today's (version 1), interleaved
 * on one terminal that takes both: p50 of each, and a version 2 tap's write units.
 */
export async function benchPseudonymous(
  backend: Backend,
  raw: DynamoDBClient,
  measure: ReturnType<typeof capture>,
  units: typeof writeUnits,
) {
  const { app } = backend;
  const terminal = await registerTerminal(app, ['B1']);
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  await app.request(
    `/v1/admin/clients/${terminal.clientId}/credential-versions`,
    jsonRequest('PUT', { versions: [1, 2] }, admin),
  );
  const [today] = currentFareDays(new Date(), 4);
  const ms = { 1: [] as number[], 2: [] as number[] };
  let wcuV2 = 0;
  for (let i = 0; i < RIDERS; i++) {
    const r = await rider(app, { balanceFen: 50_000 });
    const dayKey = await newKey();
    const issued = (await (
      await app.request(
        '/v1/me/pseudonymous-credentials',
        jsonRequest(
          'POST',
          { deviceId: r.deviceId, fareDay: today, keys: [{ scope: 'op:bus-co', publicKeyJwk: dayKey.publicJwk }] },
          r.auth,
        ),
      )
    ).json()) as { credentials: { credential: string }[] };
    const v2 = { device: dayKey, credential: issued.credentials[0]?.credential ?? '' };
    for (let t = 0; t < TAPS_PER_RIDER; t++) {
      const version = (i + t) % 2 === 0 ? 1 : 2;
      const sent = await tapBody(version === 1 ? r : v2, terminal, {
        routeId: 'B1',
        stopId: 'B1-S1',
        kind: 'board',
        at: new Date(Date.now() - 1000),
      });
      const auth = { authorization: `Bearer ${await assertionFor(terminal.clientId, terminal.key)}` };
      const started = performance.now();
      const tap = await measure(() => app.request('/v1/transit/taps', jsonRequest('POST', sent, auth)));
      ms[version].push(performance.now() - started);
      const answer = (await tap.out.json()) as { status: string };
      if (answer.status !== 'accepted') throw new Error(`bench v${version} tap: ${JSON.stringify(answer)}`);
      if (version === 2) wcuV2 = (await units(raw, tap.writes)).units;
    }
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  const [v1, v2] = [summary(ms[1]), summary(ms[2])];
  return {
    tapV1P50Ms: round(v1.p50),
    tapV2P50Ms: round(v2.p50),
    tapV2P50Ratio: round(v2.p50 / v1.p50),
    wcuTapV2: wcuV2,
  };
}
