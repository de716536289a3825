import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
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
  };
  return { getMigrations: async () => migrations };
}
