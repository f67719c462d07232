import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('the suite runs under node:test when given its functions as the runner', async () => {
  const fixture = fileURLToPath(new URL('./node-test-run.fixture.mts', import.meta.url));
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', fixture], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null && error.code !== 1) reject(error);
      else resolve(`${stdout}\n${stderr}`);
    });
  });
  expect(output).toMatch(/^# fail 0$/m);
  expect(Number(/^# pass (\d+)$/m.exec(output)?.[1])).toBeGreaterThan(40);
}, 120_000);
