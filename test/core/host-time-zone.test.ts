import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const probe = fileURLToPath(new URL('./time-zone-probe.ts', import.meta.url));
const hostZones = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'];

interface ProbeOutput {
  readonly hostZone: string;
  readonly hostOffset: number;
  readonly answers: unknown;
}

async function probeUnder(tz: string): Promise<ProbeOutput> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', probe], { env: { ...process.env, TZ: tz }, timeout: 60_000 });
  return JSON.parse(stdout) as ProbeOutput;
}

describe("the crm's answers do not depend on the host process's time zone", () => {
  it(`relative dates and date buckets are the same under TZ=${hostZones.join(', ')}`, { timeout: 120_000 }, async () => {
    const outputs: ProbeOutput[] = [];
    for (const tz of hostZones) outputs.push(await probeUnder(tz)); // one at a time: the machine is shared
    // The host zone truly changed in each child process...
    const canonical = (tz: string) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    expect(outputs.map((o) => canonical(o.hostZone))).toEqual(hostZones.map(canonical));
    expect(new Set(outputs.map((o) => o.hostOffset)).size).toBe(hostZones.length);
    // ...and the answers did not.
    for (const output of outputs.slice(1)) expect(output.answers).toEqual(outputs[0]!.answers);
  });
});
