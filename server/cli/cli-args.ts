// Operator CLI argument parsing: `<command> [--flag value | --flag=value]…`, and the usage error
// every command throws for a bad invocation (exit code 2).

export class UsageError extends Error {}

export interface ParsedArgs {
  command: string | undefined;
  flags: Map<string, string>;
}

/** Splits argv (without node and script) into the command and its `--name value` flags. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[i + 1];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (eq < 0) i++;
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, value);
  }
  return { command, flags };
}

/** Reads the flags a command knows; anything else is a usage error. */
export class Flags {
  private readonly used = new Set<string>();

  constructor(
    private readonly flags: Map<string, string>,
    private readonly command: string,
  ) {}

  optional(name: string): string | undefined {
    this.used.add(name);
    const v = this.flags.get(name);
    if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} must not be empty`);
    return v;
  }

  required(name: string): string {
    const v = this.optional(name);
    if (v === undefined) throw new UsageError(`${this.command} needs --${name}`);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const v = this.optional(name) ?? fallback;
    if (v === undefined) throw new UsageError(`${this.command} needs --${name} (${allowed.join('|')})`);
    if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
    return v as T;
  }

  /** Call after reading: unknown flags are refused rather than silently ignored. */
  done(): void {
    const unknown = [...this.flags.keys()].filter((k) => !this.used.has(k));
    if (unknown.length > 0) throw new UsageError(`${this.command}: unknown option ${unknown.map((k) => `--${k}`).join(', ')}`);
  }
}
