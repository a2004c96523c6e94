import { describe, expect, it } from 'vitest';
import { countMovement, TAP } from '../../../functions/http/business-figures';
import { cloudObservability } from '../../../functions/observability';

/** Every line the function printed while `run` ran (Powertools writes EMF and logs to stdout). */
async function printed(run: () => Promise<unknown>) {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown> & { _aws?: EmfMeta });
}

interface EmfMeta {
  CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
}

const emfLines = (lines: Awaited<ReturnType<typeof printed>>) => lines.filter((l) => l._aws);

describe('the cloud’s business figures (CloudWatch embedded metric format)', () => {
  it('writes a batch’s city-wide counts once, when the invocation ends, and the detail per tap', async () => {
    const { metrics, instrument } = cloudObservability('terminal', 'silent');
    const handler = instrument(async () => {
      countMovement(metrics, TAP, { route: 'R1' }, { status: 'accepted' }, 200);
      countMovement(metrics, TAP, { route: 'R1' }, { status: 'accepted' }, 300);
      countMovement(metrics, TAP, { route: 'R2' }, { status: 'declined', declineCode: 'CARD_BLOCKED' }, undefined);
      return 'done';
    });
    const lines = emfLines(await printed(() => handler({}, undefined as never)));

    // The alarm's series: dimension `service` only, the three taps' outcomes added up in one line.
    const cityWide = lines.filter((l) => l._aws!.CloudWatchMetrics[0]!.Dimensions[0]!.length === 1);
    expect(cityWide).toHaveLength(1);
    expect(cityWide[0]).toMatchObject({
      service: 'terminal',
      TapsAccepted: [1, 1],
      TapsDeclined: 1,
      FaresFen: [200, 300],
    });
    expect(cityWide[0]!._aws!.CloudWatchMetrics[0]!.Namespace).toBe('OneCard');

    // The detail an operator filters by: one line a tap, by route, status and decline code.
    const detail = lines.filter((l) => 'Taps' in l);
    expect(detail).toHaveLength(3);
    expect(detail[2]).toMatchObject({
      service: 'terminal',
      route: 'R2',
      status: 'declined',
      declineCode: 'CARD_BLOCKED',
      Taps: 1,
    });
    expect(detail[2]!._aws!.CloudWatchMetrics[0]!.Dimensions[0]).toEqual(
      expect.arrayContaining(['service', 'route', 'status', 'declineCode']),
    );
  });

  it('writes nothing for an invocation that counted nothing, and starts each invocation afresh', async () => {
    const { metrics, instrument } = cloudObservability('terminal', 'silent');
    let count = true;
    const handler = instrument(async () => {
      if (count) metrics.add('TapsAccepted', 1);
    });
    expect(emfLines(await printed(() => handler({}, undefined as never)))).toHaveLength(1);
    count = false;
    expect(emfLines(await printed(() => handler({}, undefined as never)))).toHaveLength(0);
  });

  it('still writes what was counted when the handler throws', async () => {
    const { metrics, instrument } = cloudObservability('settlement', 'silent');
    const handler = instrument(async () => {
      metrics.add('SettlementLines', 4);
      throw new Error('storage unavailable');
    });
    const lines = await printed(() => handler({}, undefined as never).catch(() => undefined));
    expect(emfLines(lines)).toEqual([expect.objectContaining({ service: 'settlement', SettlementLines: 4 })]);
  });
});
