import { afterEach, describe, expect, it, vi } from 'vitest';
import { repeat } from './schedule.js';

describe('repeat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs first after the delay, then on every interval, never two runs at once, and stop waits for a run', async () => {
    vi.useFakeTimers();
    let runs = 0;
    let finish: () => void = () => undefined;
    const job = repeat(
      () => {
        runs += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      { firstRunAfterMs: 1_000, everyMs: 10_000 },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    // Still running when the interval comes round: no second run.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(2);

    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(2);
  });
});
