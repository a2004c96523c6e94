/** Timing helpers: every figure is reported next to a baseline measured in the same run. */
export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    out.push(performance.now() - start);
  }
  return out;
}

export function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { n: samples.length, mean, p50: q(0.5), p90: q(0.9), p99: q(0.99) };
}

export const ms = (x: number) => `${x.toFixed(2)} ms`;
export const ratio = (candidate: number, baseline: number) => `${(candidate / baseline).toFixed(2)}x`;

/** Operations per second of a synchronous-ish async function over a fixed wall time. */
export async function opsPerSecond(fn: () => Promise<unknown>, durationMs = 1500): Promise<number> {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    await fn();
    count++;
  }
  return count / ((performance.now() - start) / 1000);
}
