// Runs the moodwire command line as a user does (a child process on this Node).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export const BIN = new URL("../bin/moodwire.js", import.meta.url).pathname;

export async function moodwire(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { maxBuffer: 256 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

