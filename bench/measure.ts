/** Times `fn` once and returns milliseconds. */
export async function timeOnce(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs `fn` `runs` times (after one warm-up) and returns the median in milliseconds. */
export async function medianTime(fn: () => unknown, runs = 15): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeOnce(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Heap in use after a full garbage collection when `--expose-gc` is on, in MiB. */
export function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Formats a number of milliseconds. */
export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
}
