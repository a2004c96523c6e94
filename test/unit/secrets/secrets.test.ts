import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../shared/errors';
import { cachedSecrets, staticSecrets } from '../../../shared/secrets/secrets';

describe('secrets read at run time', () => {
  it('reads once per cache period, and again after it', async () => {
    // Prepare
    let now = 0;
    const reads: string[] = [];
    const secrets = cachedSecrets(
      async (name) => {
        reads.push(name);
        return `value-${reads.length}`;
      },
      () => new Date(now),
      1000,
    );
    // Act
    const first = await secrets.get('residentIdPepper');
    const cached = await secrets.get('residentIdPepper');
    now = 1001;
    const later = await secrets.get('residentIdPepper');
    // Assess
    expect([first, cached, later]).toEqual(['value-1', 'value-1', 'value-2']);
  });

  it('fails closed: an empty secret is a defect, a failed read is 503 and is tried again', async () => {
    const empty = cachedSecrets(
      async () => '',
      () => new Date(),
    );
    await expect(empty.get('topupWebhook')).rejects.toBeInstanceOf(InvariantError);
    let calls = 0;
    const flaky = cachedSecrets(
      async () => {
        calls++;
        if (calls === 1) throw new Error('network');
        return 'k';
      },
      () => new Date(),
    );
    await expect(flaky.get('topupWebhook')).rejects.toMatchObject({ code: 'RETRY_LATER' });
    await expect(flaky.get('topupWebhook')).resolves.toBe('k');
    const missing = cachedSecrets(
      async () => {
        throw new InvariantError('not given');
      },
      () => new Date(),
    );
    await expect(missing.get('residentIdPepper')).rejects.toBeInstanceOf(InvariantError);
    expect(() => staticSecrets({ topupWebhook: '', residentIdPepper: 'p', loginKey: 'l', pseudonymKey: 'k' })).toThrow(
      InvariantError,
    );
  });
});
