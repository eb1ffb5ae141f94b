// Shared command-line plumbing: the error type that becomes a one-line message, and
// number parsing with the flag's name in the message.

/** A problem the user can fix; printed as one line, no stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function parseNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${flag} needs a number, got "${value}"`);
  return n;
}

export function parseChoice<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new UsageError(`--${flag} must be one of ${choices.join(", ")}, got "${value}"`);
  return value as T;
}
