import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('./fault-child.ts', import.meta.url));

/** A running `fault-child.ts`: its output so far, a wait for a line, and its exit. */
export interface FaultChild {
  readonly process: ChildProcess;
  /** Resolves when the child has printed `line` (rejects if it exits first). */
  line(line: string): Promise<void>;
  /** Resolves with the exit code (or signal) once the child has ended; rejects on a non-zero exit. */
  succeeded(): Promise<void>;
  /** Resolves once the child has ended, whatever the way. */
  ended(): Promise<void>;
}

/**
 * Starts `fault-child.ts` (through tsx) with one JSON job.
 *
 * @example
 * ```ts
 * const child = startFaultChild({ kind: 'hold', adapter, customerId });
 * await child.line('inside');
 * child.process.kill('SIGKILL');
 * ```
 */
export function startFaultChild(job: unknown): FaultChild {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const waiter of waiters) if (out.split('\n').includes(waiter.line)) waiter.resolve();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (err += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    line: (line) =>
      new Promise<void>((resolve, reject) => {
        if (out.split('\n').includes(line)) return resolve();
        waiters.push({ line, resolve });
        void exit.then(({ code, signal }) => reject(new Error(`the child ended (${code ?? signal}) before printing ${line}: ${err}`)));
      }),
    succeeded: async () => {
      const { code, signal } = await exit;
      if (code !== 0) throw new Error(`the child failed (${code ?? signal}): ${err}`);
    },
    ended: async () => void (await exit),
  };
}
