// examples/win-back.ts runs in CI: the journey it prints must go as its header describes.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

it.each(['memory', 'sqlite'])('examples/win-back.ts on %s: churn risk rises, a task, the campaign, a complaint opens a case and ends the journey', { timeout: 180_000 }, async (adapter) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/win-back.ts', adapter], { cwd: root, timeout: 170_000 });
  expect(stdout).not.toContain('FAILED');
  for (const line of ["a task for Ada's owner", 'Ada joined the win-back campaign', 'a case was opened', 'the journey ended: exited', 'no "finished" step ran after the exit']) {
    expect(stdout).toContain(`ok: ${line}`);
  }
});
