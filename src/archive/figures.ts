import { createHash } from 'node:crypto';
import { Kind } from 'graphql';
import { z } from 'zod/v4';
import type { Channel, LossStage, MessageType, Platform, PushEventType } from '../__generated__/resolvers-types.js';
import type { ChannelStat, Funnel, LossReason, SmsStats, TimeWindowArgs } from '../domain.js';
import { loadTypeDefs } from '../server.js';

/** The figures a snapshot holds: the default view of a campaign, as the vendor's mapper made it. */
export interface Figures {
  funnel: Funnel | null;
  channels: ChannelStat[] | null;
  lossReasons: LossReason[] | null;
  sms: SmsStats | null;
}

export type ArchivedField = keyof Figures;
export const ARCHIVED_FIELDS: readonly ArchivedField[] = ['funnel', 'channels', 'lossReasons', 'sms'];

/** What one fetch saw: the fields a request (or the refresher) asked for; absent = not fetched. */
export type PartialFigures = Partial<Figures>;

/**
 * Snapshots are of the default view only (no `since`/`until`): that is what "the campaign" is
 * once the vendor forgets it. A windowed answer is a slice, archived nowhere.
 */
export function isDefaultWindow(window: TimeWindowArgs): boolean {
  return (window.since ?? null) === null && (window.until ?? null) === null;
}

/**
 * Vendors forget by answering less: a null funnel, an empty loss list (Tencent lists no task
 * older than its window). Counts only grow, so an emptier answer never replaces a fuller one
 * when the archive picks the figures to answer for a forgotten campaign.
 */
export function isEmptyFigure(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/**
 * Order of preference among archived values of one field: fuller first, then larger (vendor
 * counts only grow, so a zeroed or fallback answer after a fuller one is a degraded answer,
 * kept as a snapshot but never the archived figures), then newer.
 */
export function preferFigure(a: { value: unknown; fetchedAt: number }, b: { value: unknown; fetchedAt: number }): number {
  const fuller = Number(isEmptyFigure(a.value)) - Number(isEmptyFigure(b.value));
  if (fuller !== 0) return fuller;
  const larger = figureSize(b.value) - figureSize(a.value);
  return larger !== 0 ? larger : b.fetchedAt - a.fetchedAt;
}

/** How much a figure says: its counts summed, each known (non-null) value counting too. */
function figureSize(value: unknown): number {
  if (typeof value === 'number') return 1 + Math.max(value, 0);
  if (value === null || value === undefined) return 0;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + figureSize(item), 0);
  if (typeof value === 'object') return Object.values(value).reduce((sum: number, item) => sum + figureSize(item), 0);
  return 1;
}

/** A stable identity of figures: key order never changes the hash. */
export function figuresHash(value: unknown): string {
  return sha256(canonicalJson(value));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * JSON with every object's keys sorted (by UTF-16 code units) and undefined members left out:
 * the text `figuresHash` hashes, so stored content hashes stay comparable across versions. Built
 * by appending (one string per value, no intermediate arrays): it runs over every archived figure.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) text += (index > 0 ? ',' : '') + canonicalJson(value[index]);
    return `${text}]`;
  }
  if (value !== null && typeof value === 'object') return canonicalObject(value as Record<string, unknown>);
  return JSON.stringify(value ?? null);
}

/** An object's canonical JSON; `canonical` gives a member's text (a caller that has it already passes it). */
export function canonicalObject(
  object: Record<string, unknown>,
  canonical: (key: string, value: unknown) => string = (_key, value) => canonicalJson(value),
): string {
  let text = '{';
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonical(key, item)}`;
  }
  return `${text}}`;
}

// Stored figures are read back through zod like vendor JSON: a row written by another version
// (or edited by hand) becomes "not archived", never a crash or a wrong enum sent to clients.
// Enum values come from the SDL, the source of truth, so a new channel needs no change here.
let schemaEnums: Map<string, ReadonlySet<string>> | undefined;
function enumValues(typeName: string): ReadonlySet<string> {
  schemaEnums ??= new Map(
    loadTypeDefs().definitions.flatMap((definition) =>
      definition.kind === Kind.ENUM_TYPE_DEFINITION
        ? [[definition.name.value, new Set(definition.values?.map((value) => value.name.value))] as const]
        : [],
    ),
  );
  return schemaEnums.get(typeName) ?? new Set();
}
const schemaEnum = <T extends string>(typeName: string): z.ZodType<T> =>
  z.custom<T>((value) => typeof value === 'string' && enumValues(typeName).has(value), { message: `not a ${typeName} value` });

// JSON drops undefined members; the domain types spell a missing figure as null.
const count = z
  .number()
  .int()
  .nullish()
  .transform((value) => value ?? null);
const optionalEnum = <T extends string>(typeName: string) =>
  schemaEnum<T>(typeName)
    .nullish()
    .transform((value) => value ?? null);

const FunnelSchema = z.object({ target: count, sent: count, received: count, displayed: count, clicked: count, dismissed: count });
const ChannelStatSchema = z.object({
  channel: schemaEnum<Channel>('Channel'),
  platform: schemaEnum<Platform>('Platform'),
  messageType: optionalEnum<MessageType>('MessageType'),
  eventType: optionalEnum<PushEventType>('PushEventType'),
  target: count,
  sent: count,
  received: count,
  displayed: count,
  clicked: count,
});
const LossReasonSchema = z.object({
  stage: schemaEnum<LossStage>('LossStage'),
  errorCode: z.string(),
  count: z.number().int(),
  description: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
  channel: optionalEnum<Channel>('Channel'),
  eventType: optionalEnum<PushEventType>('PushEventType'),
});
const SmsStatsSchema = z.object({ sent: count, receiveSuccess: count, receiveFailed: count, skipped: count, failed: count });

/** One field of a stored snapshot; undefined means the snapshot does not hold it. */
const FieldSchemas: { [F in ArchivedField]: z.ZodType<Figures[F], unknown> } = {
  funnel: FunnelSchema.nullable(),
  channels: z.array(ChannelStatSchema).nullable(),
  lossReasons: z.array(LossReasonSchema).nullable(),
  sms: SmsStatsSchema.nullable(),
};

/** A stored field value, checked; undefined when it is not a valid value of that field. */
export function readFigure<F extends ArchivedField>(field: F, value: unknown): { value: Figures[F] } | undefined {
  const parsed = FieldSchemas[field].safeParse(value);
  return parsed.success ? { value: parsed.data } : undefined;
}

/** A stored snapshot document, checked field by field: invalid fields are left out. */
export function readFigures(document: unknown): PartialFigures {
  const figures: PartialFigures = {};
  if (document === null || typeof document !== 'object') return figures;
  for (const field of ARCHIVED_FIELDS) {
    if (!(field in document)) continue;
    const read = readFigure(field, Reflect.get(document, field));
    if (read) setFigure(figures, field, read.value);
  }
  return figures;
}

export function setFigure<F extends ArchivedField>(figures: PartialFigures, field: F, value: Figures[F]): void {
  figures[field] = value;
}

export function isArchivedField(value: string): value is ArchivedField {
  return (ARCHIVED_FIELDS as readonly string[]).includes(value);
}
