import { sql, type Kysely, type Migration, type MigrationProvider, type SchemaModule } from 'kysely';
import type { StoreKind } from './store.js';

/**
 * The archive's schema, one set of migrations for SQLite and PostgreSQL, run at start-up by
 * kysely's Migrator (which takes a lock, so replicas starting together migrate once).
 * Migrations are code, not files: they ship inside the build and name the schema they run in
 * (PostgreSQL; SQLite has none). Only the column types differ: SQLite keeps times as epoch
 * milliseconds and JSON as text.
 * Never edit a released migration; add the next one.
 */
export function archiveMigrations(kind: StoreKind, schema: string | null): MigrationProvider {
  const time = kind === 'postgres' ? 'timestamptz' : 'integer';
  const json = kind === 'postgres' ? 'jsonb' : 'text';
  const migrations: Record<string, Migration> = {
    '0001_campaign_archive': {
      async up(db: Kysely<unknown>) {
        const ddl = schema === null ? db.schema : db.schema.withSchema(schema);
        // One row per campaign the service has seen: what the refresher schedules and what tells
        // how old a campaign at least is (vendors do not say when it was sent).
        await ddl
          .createTable('campaigns')
          .addColumn('vendor', 'text', (column) => column.notNull())
          .addColumn('id', 'text', (column) => column.notNull())
          .addColumn('first_seen_at', time, (column) => column.notNull())
          .addColumn('gone_at', time)
          .addColumn('next_refresh_at', time)
          .addPrimaryKeyConstraint('campaigns_pkey', ['vendor', 'id'])
          .execute();
        await ddl
          .createIndex('campaigns_due')
          .on('campaigns')
          .columns(['vendor', 'next_refresh_at'])
          .where(sql.ref('next_refresh_at'), 'is not', null)
          .execute();
        // Dated figures. The key makes a write idempotent: the same figures within one bucket
        // (ARCHIVE_SNAPSHOT_MINUTES) are one row, whoever writes them and however often.
        await ddl
          .createTable('snapshots')
          .addColumn('vendor', 'text', (column) => column.notNull())
          .addColumn('id', 'text', (column) => column.notNull())
          .addColumn('fetched_at', time, (column) => column.notNull())
          .addColumn('bucket_start', time, (column) => column.notNull())
          .addColumn('content_hash', 'text', (column) => column.notNull())
          .addColumn('figures', json, (column) => column.notNull())
          .addPrimaryKeyConstraint('snapshots_pkey', ['vendor', 'id', 'content_hash', 'bucket_start'])
          .execute();
        await ddl.createIndex('snapshots_by_time').on('snapshots').columns(['vendor', 'id', 'fetched_at']).execute();
      },
    },
    '0002_campaigns_by_first_seen': {
      async up(db: Kysely<unknown>) {
        // recentCampaigns lists newest first, in keyset order.
        const ddl = schema === null ? db.schema : db.schema.withSchema(schema);
        await ddl.createIndex('campaigns_by_first_seen').on('campaigns').columns(['first_seen_at', 'vendor', 'id']).execute();
      },
    },
    '0003_campaigns_by_app': {
      // A vendor may have several apps (issue 16), and the same id in two apps is two campaigns:
      // the app joins every key. Rows from before are the default app's.
      async up(db: Kysely<unknown>) {
        if (kind === 'postgres') {
          const ddl = schema === null ? db.schema : db.schema.withSchema(schema);
          for (const [table, key] of Object.entries(KEYS_BY_APP)) {
            await ddl.alterTable(table).addColumn('app', 'text', (column) => column.notNull().defaultTo('default')).execute();
            await ddl.alterTable(table).dropConstraint(`${table}_pkey`).execute();
            await ddl.alterTable(table).addPrimaryKeyConstraint(`${table}_pkey`, key).execute();
          }
          for (const index of ['campaigns_due', 'campaigns_by_first_seen', 'snapshots_by_time']) await ddl.dropIndex(index).execute();
          await indexByApp(ddl);
          return;
        }
        await rebuildSqliteByApp(db, time, json);
      },
    },
  };
  return { getMigrations: async () => migrations };
}

/** The keys from 0003 on: also the conflict targets of the store's idempotent writes. */
const KEYS_BY_APP: {
  campaigns: Array<'vendor' | 'app' | 'id'>;
  snapshots: Array<'vendor' | 'app' | 'id' | 'content_hash' | 'bucket_start'>;
} = {
  campaigns: ['vendor', 'app', 'id'],
  snapshots: ['vendor', 'app', 'id', 'content_hash', 'bucket_start'],
};

/** The indexes of 0001 and 0002 with the app next to the vendor. */
async function indexByApp(ddl: SchemaModule): Promise<void> {
  await ddl
    .createIndex('campaigns_due')
    .on('campaigns')
    .columns(['vendor', 'app', 'next_refresh_at'])
    .where(sql.ref('next_refresh_at'), 'is not', null)
    .execute();
  await ddl.createIndex('campaigns_by_first_seen').on('campaigns').columns(['first_seen_at', 'vendor', 'app', 'id']).execute();
  await ddl.createIndex('snapshots_by_time').on('snapshots').columns(['vendor', 'app', 'id', 'fetched_at']).execute();
}

/**
 * SQLite cannot alter a primary key: each table is rebuilt (create, copy, drop, rename), in one
 * transaction of its own, since kysely runs SQLite migrations outside one. IMMEDIATE takes the
 * write lock first, so a process sharing the DATA_DIR that rebuilt the tables (or crashed before
 * recording the migration) is seen, and its rows are not copied again as the default app's.
 */
async function rebuildSqliteByApp(db: Kysely<unknown>, time: 'timestamptz' | 'integer', json: 'jsonb' | 'text'): Promise<void> {
  await sql`BEGIN IMMEDIATE`.execute(db);
  try {
    const { rows } = await sql<{ found: number }>`SELECT count(*) AS found FROM pragma_table_info('campaigns') WHERE name = 'app'`.execute(db);
    if ((rows[0]?.found ?? 0) === 0) {
      await db.schema
        .createTable('campaigns_by_app')
        .addColumn('vendor', 'text', (column) => column.notNull())
        .addColumn('app', 'text', (column) => column.notNull().defaultTo('default'))
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('first_seen_at', time, (column) => column.notNull())
        .addColumn('gone_at', time)
        .addColumn('next_refresh_at', time)
        .addPrimaryKeyConstraint('campaigns_pkey', KEYS_BY_APP.campaigns)
        .execute();
      await db.schema
        .createTable('snapshots_by_app')
        .addColumn('vendor', 'text', (column) => column.notNull())
        .addColumn('app', 'text', (column) => column.notNull().defaultTo('default'))
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('fetched_at', time, (column) => column.notNull())
        .addColumn('bucket_start', time, (column) => column.notNull())
        .addColumn('content_hash', 'text', (column) => column.notNull())
        .addColumn('figures', json, (column) => column.notNull())
        .addPrimaryKeyConstraint('snapshots_pkey', KEYS_BY_APP.snapshots)
        .execute();
      // `app` is left out of the copy: its default makes every row the default app's.
      for (const [table, columns] of [
        ['campaigns', ['vendor', 'id', 'first_seen_at', 'gone_at', 'next_refresh_at']],
        ['snapshots', ['vendor', 'id', 'fetched_at', 'bucket_start', 'content_hash', 'figures']],
      ] as const) {
        const list = sql.join(columns.map((column) => sql.ref(column)));
        await sql`INSERT INTO ${sql.table(`${table}_by_app`)} (${list}) SELECT ${list} FROM ${sql.table(table)}`.execute(db);
        // Dropping the table drops its indexes, so their names are free for indexByApp.
        await db.schema.dropTable(table).execute();
        await db.schema.alterTable(`${table}_by_app`).renameTo(table).execute();
      }
      await indexByApp(db.schema);
    }
    await sql`COMMIT`.execute(db);
  } catch (error) {
    await sql`ROLLBACK`.execute(db);
    throw error;
  }
}
