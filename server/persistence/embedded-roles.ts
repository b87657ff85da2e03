// Who connects to the embedded cluster (issue 16 item 10). The superuser's password is the random one
// in the credentials file, rotated in place from whatever the cluster still has (initdb's throwaway,
// or the old fixed default); the app connects as a role that owns its database and nothing else, so
// it cannot `COPY … TO PROGRAM`, read server files or create roles. Clusters made before this change
// (everything owned by the superuser) are upgraded at the next start, idempotently.
import type { Logger } from 'pino';
import { withAdmin, withCredentials, withDatabase, type AdminKnex } from './admin-connection.ts';
import {
  credentialsPath,
  isPassword,
  isRoleName,
  LEGACY_SUPERUSER_PASSWORD,
  writeCredentials,
  type EmbeddedCredentials,
  type RoleCredentials,
} from './embedded-credentials.ts';

const INVALID_PASSWORD = '28P01';
const DUPLICATE_OBJECT = '42710';
const DUPLICATE_DATABASE = '42P04';
const APP_ROLE_ATTRIBUTES = 'login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit';

/**
 * Connects as the superuser with the stored password, else with a former one (then rotates it to
 * the stored one). Returns the superuser URL of the `postgres` database.
 */
export async function secureSuperuser(pgDir: string, port: number, creds: EmbeddedCredentials, log: Logger): Promise<string> {
  const { user, password } = creds.superuser;
  const url = (pw: string) => withCredentials(`postgresql://127.0.0.1:${port}/postgres`, user, pw);
  const candidates = [...new Set([password, ...creds.formerSuperuserPasswords, LEGACY_SUPERUSER_PASSWORD])];
  for (const pw of candidates) {
    try {
      await withAdmin(url(pw), async (k) => {
        await k.raw('select 1'); // knex connects lazily: this is the password check
        if (pw !== password) await k.raw(`alter role ?? with password ${literal(password)}`, [user]);
      });
    } catch (err) {
      if ((err as { code?: string }).code === INVALID_PASSWORD) continue;
      throw err;
    }
    if (pw !== password) log.info({ legacy: pw === LEGACY_SUPERUSER_PASSWORD }, 'embedded PostgreSQL superuser password rotated');
    if (creds.formerSuperuserPasswords.length > 0) await writeCredentials(pgDir, { ...creds, formerSuperuserPasswords: [] });
    return url(password);
  }
  throw new Error(`embedded PostgreSQL in ${pgDir} accepts none of the superuser passwords in ${credentialsPath(pgDir)}: restore that file from a backup`);
}

/**
 * Makes `app` a login role without privileges beyond its database, `name` a database it owns, and
 * every object in that database its own. Returns the app's URL of that database.
 */
export async function provisionAppDatabase(adminUrl: string, name: string, app: RoleCredentials, log: Logger): Promise<string> {
  if (!isRoleName(app.user) || !isPassword(app.password)) throw new Error('invalid app role credentials');
  await withAdmin(adminUrl, async (k) => {
    await ensureRole(k, app);
    const found = await k.raw('select 1 from pg_database where datname = ?', [name]);
    if (found.rows.length > 0) await k.raw('alter database ?? owner to ??', [name, app.user]);
    else {
      await k.raw('create database ?? owner ??', [name, app.user]).catch(async (err: { code?: string }) => {
        if (err.code !== DUPLICATE_DATABASE) throw err; // created concurrently
        await k.raw('alter database ?? owner to ??', [name, app.user]);
      });
    }
  });
  const moved = await withAdmin(withDatabase(adminUrl, name), (k) => transferOwnership(k, app.user));
  if (moved > 0) log.info({ database: name, role: app.user, objects: moved }, 'embedded database objects handed to the app role');
  return withCredentials(withDatabase(adminUrl, name), app.user, app.password);
}

/** Creates the role or resets it to exactly what it should be (password, attributes, no memberships). */
async function ensureRole(k: AdminKnex, app: RoleCredentials): Promise<void> {
  const password = literal(app.password);
  const exists = (await k.raw('select 1 from pg_roles where rolname = ?', [app.user])).rows.length > 0;
  if (!exists) {
    await k.raw(`create role ?? with ${APP_ROLE_ATTRIBUTES} password ${password}`, [app.user]).catch((err: { code?: string }) => {
      if (err.code !== DUPLICATE_OBJECT) throw err;
    });
  }
  await k.raw(`alter role ?? with ${APP_ROLE_ATTRIBUTES} password ${password}`, [app.user]);
  const granted = await k.raw<{ rows: Array<{ rolname: string }> }>(
    `select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = ?`,
    [app.user],
  );
  for (const { rolname } of granted.rows) await k.raw('revoke ?? from ??', [rolname, app.user]);
}

// Objects in the database's own schemas (not pg_catalog, pg_toast, information_schema).
const OWN_SCHEMA = `n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%'`;

/** Hands every object in the connected database to `role`; returns how many moved. */
async function transferOwnership(k: AdminKnex, role: string): Promise<number> {
  return k.transaction(async (tx) => {
    const roleOid = `(select oid from pg_roles where rolname = ${literal(role)})`;
    const queries = [
      // `public` on PG 15+ belongs to pg_database_owner, i.e. to whoever owns the database.
      `select format('alter schema %I owner to %I', n.nspname, '${role}') as sql from pg_namespace n
        where ${OWN_SCHEMA} and n.nspowner not in (${roleOid}, 'pg_database_owner'::regrole)`,
      // Tables carry their indexes and the sequences they own (serial, identity) with them.
      `select format('alter %s %s owner to %I', case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
          when 'f' then 'foreign table' else 'table' end, c.oid::regclass, '${role}') as sql
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where ${OWN_SCHEMA} and c.relkind in ('r', 'p', 'v', 'm', 'f') and c.relowner <> ${roleOid}`,
      `select format('alter sequence %s owner to %I', c.oid::regclass, '${role}') as sql
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where ${OWN_SCHEMA} and c.relkind = 'S' and c.relowner <> ${roleOid}`,
      `select format('alter %s %s owner to %I', case t.typtype when 'd' then 'domain' else 'type' end, t.oid::regtype, '${role}') as sql
        from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where ${OWN_SCHEMA} and t.typtype in ('e', 'd', 'r') and t.typowner <> ${roleOid}`,
      `select format('alter routine %s owner to %I', p.oid::regprocedure, '${role}') as sql
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where ${OWN_SCHEMA} and p.proowner <> ${roleOid}`,
    ];
    let moved = 0;
    for (const q of queries) {
      const { rows } = await tx.raw<{ rows: Array<{ sql: string }> }>(q);
      for (const { sql } of rows) await tx.raw(sql);
      moved += rows.length;
    }
    return moved;
  });
}

/** An SQL string literal for a value already checked by isPassword/isRoleName (no quotes inside). */
function literal(v: string): string {
  if (!/^[\w-]+$/.test(v)) throw new Error('refusing to quote an unchecked value');
  return `'${v}'`;
}
