import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root: the relay runs from there, as its README says. */
const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The command that starts the relay, word for word as
 * `examples/change-feed-relay/README.md` gives it (the tests check that the
 * README says so). `node --import tsx` rather than the `tsx` command, so a
 * SIGKILL reaches the relay itself and not a parent process.
 */
export const relayCommand = ['node', '--import', 'tsx', 'examples/change-feed-relay/relay.ts'] as const;

/** A running relay: its output so far, waits for a line, and its end. */
export interface RelayProcess {
  readonly process: ChildProcess;
  /** Everything it printed to stdout so far, by line. */
  lines(): string[];
  /** Resolves with the first line matching `pattern` (rejects if the relay ends first). */
  line(pattern: RegExp): Promise<string>;
  /** Resolves once the relay exited with 0; rejects with its stderr otherwise. */
  succeeded(): Promise<void>;
  /** Resolves once it ended, whatever the way. */
  ended(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the relay as a child process with `env` added to this process's
 * environment.
 *
 * @example
 * ```ts
 * const relay = startRelay({ CRM_DATABASE: file, RELAY_PAUSE_AT: 'redis:60' });
 * await relay.line(/^paused after/);
 * relay.process.kill('SIGKILL');
 * ```
 */
export function startRelay(env: Readonly<Record<string, string>>): RelayProcess {
  const [, ...args] = relayCommand;
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const lines = () => out.split('\n').filter((line) => line !== '');
  const settle = () => {
    for (const waiter of [...waiters]) {
      const found = lines().find((line) => waiter.pattern.test(line));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    settle();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (err += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    process: child,
    lines,
    line: (pattern) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        settle();
        void exit.then(({ code, signal }) => reject(new Error(`the relay ended (${code ?? signal}) before printing ${pattern}:\n${out}\n${err}`)));
      }),
    succeeded: async () => {
      const { code, signal } = await exit;
      if (code !== 0) throw new Error(`the relay failed (${code ?? signal}):\n${out}\n${err}`);
    },
    ended: () => exit,
  };
}
