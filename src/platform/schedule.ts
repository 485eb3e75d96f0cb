/** A job the server repeats: run once shortly after start, then every `everyMs`. */
export interface ScheduledJob {
  /** Stops the timers and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `run` after `firstRunAfterMs`, then every `everyMs`, never two at once. The timers are
 * unref'd, so they never keep the process alive. `run` handles its own errors and logging.
 */
export function repeat(run: () => Promise<void>, options: { firstRunAfterMs: number; everyMs: number }): ScheduledJob {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = run().finally(() => {
      running = null;
    });
  };
  const first = setTimeout(tick, options.firstRunAfterMs);
  first.unref();
  const every = setInterval(tick, options.everyMs);
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
