// Running the real tools tests compare against (ip, ethtool, conntrack, curl,
// promtool), with errors that say which command failed and what it printed.

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export async function run(cmd: string, args: readonly string[], input?: string): Promise<string> {
  try {
    if (input !== undefined) {
      const result = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      if (result.status !== 0) throw new Error(result.stderr || `exit ${result.status}`);
      return result.stdout;
    }
    const { stdout } = await execFileAsync(cmd, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

export function runSync(
  cmd: string,
  args: readonly string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
