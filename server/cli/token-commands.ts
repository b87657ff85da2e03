// token:create, token:revoke, token:list. Secrets are shown once (stdout, alone on its line, so
// `$(… token:create …)` captures it) and only their sha256 is stored.
import { SqlRunner } from '../persistence/sql-runner.ts';
import { TokenRepository } from '../persistence/token-repository.ts';
import { parseTimestamp } from '../persistence/rows.ts';
import { UsageError, type Flags } from './cli-args.ts';
import type { CommandContext } from './command-context.ts';
import { BOT_NAME_PATTERN } from '../../shared/constants.ts';
import { printTable } from './table-output.ts';
import { PRIVATE_BOTS_ACCOUNT } from '../privacy/trade-scope.ts';

export async function tokenCreate(ctx: CommandContext, flags: Flags): Promise<void> {
  const kind = flags.oneOf('kind', ['bot', 'user'] as const);
  const name = flags.required('name');
  const username = flags.optional('user');
  flags.done();
  if (!BOT_NAME_PATTERN.test(name)) throw new UsageError('--name must be 1-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit');
  if (kind === 'user' && username === undefined) throw new UsageError('a user token needs --user USERNAME');
  if (kind === 'bot' && username !== undefined) throw new UsageError('--user is only for --kind user');

  await ctx.withDatabase(async (orm) => {
    let userId: number | null = null;
    if (username !== undefined) {
      const [user] = await new SqlRunner(orm).query('select id from users where username = ?', [username]);
      if (!user) throw new Error(`no user named "${username}"`);
      userId = Number(user.id);
      // The private bots' account (server/privacy/trade-scope.ts) is nobody's: no token reaches it.
      if (userId === PRIVATE_BOTS_ACCOUNT) throw new UsageError(`"${username}" is the private bots' account; no token can be made for it`);
    }
    const issued = await new TokenRepository(orm).issue(kind, name, userId);
    ctx.err(`Created ${kind} token #${issued.id} "${name}"${username ? ` for user ${username}` : ''}.`);
    ctx.err('The secret below is shown once; store it now (only its hash is kept):');
    ctx.out(issued.token);
  });
}

export async function tokenRevoke(ctx: CommandContext, flags: Flags): Promise<void> {
  const idText = flags.optional('id');
  const name = flags.optional('name');
  flags.done();
  if ((idText === undefined) === (name === undefined)) throw new UsageError('token:revoke needs exactly one of --id N or --name NAME');
  const id = idText === undefined ? undefined : Number(idText);
  if (id !== undefined && !(Number.isSafeInteger(id) && id > 0)) throw new UsageError(`--id must be a positive integer, got "${idText}"`);

  await ctx.withDatabase(async (orm) => {
    const n = await new TokenRepository(orm).revoke(id !== undefined ? { id } : { name: name! });
    const what = id !== undefined ? `id ${id}` : `name "${name}"`;
    if (n === 0) throw new Error(`no active token with ${what}`);
    ctx.out(`Revoked ${n} token${n === 1 ? '' : 's'} with ${what}. Sockets already connected with it stay connected until they reconnect.`);
  });
}

export async function tokenList(ctx: CommandContext, flags: Flags): Promise<void> {
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const tokens = await new TokenRepository(orm).list();
    const iso = (v: string | null) => (v === null ? '' : parseTimestamp(v).toISOString());
    printTable(
      ctx,
      ['ID', 'KIND', 'NAME', 'CREATED', 'REVOKED'],
      tokens.map((t) => [String(t.id), t.kind, t.name, iso(t.created_at), iso(t.revoked_at)]),
    );
    if (tokens.length === 0) ctx.err('(no tokens)');
  });
}
