// Operator CLI argument parsing: `<command> [ARG] [--flag value | --flag=value]…`, and the usage error
// every command throws for a bad invocation (exit code 2).

export class UsageError extends Error {}

export interface ParsedArgs {
  command: string | undefined;
  flags: Map<string, string>;
  /** Arguments that are not flags (`bot:set NAME`), in order. */
  positional: string[];
}

/** Splits argv (without node and script) into the command and its `--name value` flags. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') throw new UsageError(`unexpected argument "${arg}"`);
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[i + 1];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (eq < 0) i++;
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, value);
  }
  return { command, flags, positional };
}

/** Reads the flags a command knows; anything else is a usage error. */
export class Flags {
  private readonly used = new Set<string>();

  private positionalUsed = 0;

  constructor(
    private readonly flags: Map<string, string>,
    private readonly command: string,
    private readonly positional: readonly string[] = [],
  ) {}

  /** The next argument that is not a flag, named `label` in the usage error when absent. */
  argument(label: string): string {
    const v = this.positional[this.positionalUsed];
    if (v === undefined) throw new UsageError(`${this.command} needs ${label}`);
    this.positionalUsed++;
    return v;
  }

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
    const extra = this.positional[this.positionalUsed];
    if (extra !== undefined) throw new UsageError(`${this.command}: unexpected argument "${extra}"`);
    const unknown = [...this.flags.keys()].filter((k) => !this.used.has(k));
    if (unknown.length > 0) throw new UsageError(`${this.command}: unknown option ${unknown.map((k) => `--${k}`).join(', ')}`);
  }
}
