// The page's only data source: the public GraphQL API at /graphql, over plain fetch (POST JSON).
import type { ApiError, CampaignData, CampaignState, HistoryState, Snapshot, Vendor } from './model.js';

interface GraphQLErrorJson {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown; vendorCode?: unknown } | null;
}

export interface GraphQLAnswer<T> {
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  data: T | null;
  errors: Array<{ error: ApiError; path: ReadonlyArray<string | number> }>;
}

const str = (value: unknown): string | null => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);

function toApiError(json: GraphQLErrorJson, field: string | null): ApiError {
  return {
    message: str(json.message) ?? 'Unknown error',
    code: str(json.extensions?.code),
    vendorCode: str(json.extensions?.vendorCode),
    field,
  };
}

export class GraphQLClient {
  constructor(
    private readonly endpoint: string,
    /** Read on every request, so a key typed in later applies at once. */
    private readonly apiKey: () => string | null,
  ) {}

  /** Runs one operation. Never rejects on HTTP or GraphQL errors (they come back as `errors`); only on abort. */
  async request<T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<GraphQLAnswer<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const key = this.apiKey();
    if (key) headers.authorization = `Bearer ${key}`;
    let response: Response;
    try {
      response = await fetch(this.endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      return failure(0, 'NETWORK_ERROR', `The server could not be reached (${(error as Error).message})`);
    }
    let body: { data?: unknown; errors?: unknown };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      if (signal?.aborted) throw error;
      return failure(response.status, 'BAD_RESPONSE', `The server answered HTTP ${response.status} without a GraphQL body`);
    }
    const errors = Array.isArray(body.errors) ? (body.errors as GraphQLErrorJson[]) : [];
    return {
      status: response.status,
      data: (body.data ?? null) as T | null,
      errors: errors.map((error) => {
        const path = Array.isArray(error.path) ? (error.path as Array<string | number>) : [];
        return { error: toApiError(error, typeof path[1] === 'string' ? path[1] : null), path };
      }),
    };
  }
}

function failure<T>(status: number, code: string, message: string): GraphQLAnswer<T> {
  return { status, data: null, errors: [{ error: { message, code, vendorCode: null, field: null }, path: [] }] };
}

/**
 * How the page gets `Campaign.history` (issue 8): `inline` in the figures query when the field is
 * nullable (an archive failure then nulls only the history), `separate` when it is not or its
 * nullability is unknown (a failure must not null the campaign), `none` without the field.
 */
export type HistoryMode = 'inline' | 'separate' | 'none';

/** What the server's schema offers beyond the contract minimum. */
export interface Capabilities {
  asOf: boolean;
  history: HistoryMode;
}

export type ProbeResult = { ok: true; capabilities: Capabilities } | { ok: false; unauthenticated: boolean; error: ApiError };

const INTROSPECT_CAMPAIGN = 'query ReportSchema { __type(name: "Campaign") { fields { name type { kind } } } }';

/**
 * Asks whether the schema has a Campaign field without running anything: `@skip(if: true)` keeps
 * the field from executing (no vendor call), while validation still rejects an unknown field.
 */
function probeQuery(selection: string): string {
  return `query ReportProbe { campaign(vendor: JPUSH, id: "0") @skip(if: true) { ${selection} } }`;
}

/** Reads the Campaign fields by introspection, or, where introspection is switched off, by validation probes. */
export async function probeCapabilities(client: GraphQLClient, signal?: AbortSignal): Promise<ProbeResult> {
  type Introspection = { __type: { fields: Array<{ name: string; type: { kind: string } }> } | null };
  const schema = await client.request<Introspection>(INTROSPECT_CAMPAIGN, {}, signal);
  if (schema.status === 401) {
    return { ok: false, unauthenticated: true, error: schema.errors[0]?.error ?? { message: 'An API key is required', code: 'UNAUTHENTICATED', vendorCode: null, field: null } };
  }
  const fields = schema.data?.__type?.fields;
  if (fields) {
    const history = fields.find((field) => field.name === 'history');
    return {
      ok: true,
      capabilities: {
        asOf: fields.some((field) => field.name === 'asOf'),
        history: !history ? 'none' : history.type.kind === 'NON_NULL' ? 'separate' : 'inline',
      },
    };
  }
  const [base, asOf, history] = await Promise.all([
    client.request(probeQuery('id'), {}, signal),
    client.request(probeQuery('asOf'), {}, signal),
    client.request(probeQuery('history { fetchedAt }'), {}, signal),
  ]);
  const failed = base.errors[0];
  if (failed) return { ok: false, unauthenticated: base.status === 401, error: failed.error };
  return { ok: true, capabilities: { asOf: asOf.errors.length === 0, history: history.errors.length === 0 ? 'separate' : 'none' } };
}

const FUNNEL = 'target sent received displayed clicked';
const HISTORY = `history { fetchedAt funnel { ${FUNNEL} } }`;

function campaignFields(capabilities: Capabilities): string {
  return `vendor id availability${capabilities.asOf ? ' asOf' : ''}${capabilities.history === 'inline' ? ` ${HISTORY}` : ''}
    funnel { ${FUNNEL} dismissed }
    channels { channel platform messageType eventType target sent received displayed clicked }
    lossReasons { stage errorCode count description channel eventType }
    sms { sent receiveSuccess receiveFailed skipped failed }`;
}

/**
 * One aliased `campaign` field per id rather than one `campaigns` list: the server batches them
 * into the same vendor calls, and a bad id (BAD_USER_INPUT) fails only its own alias.
 */
function aliasedQuery(name: string, count: number, selection: string): string {
  const variables = Array.from({ length: count }, (_, i) => `$i${i}: ID!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `c${i}: campaign(vendor: $vendor, app: $app, id: $i${i}) { ...F }`).join('\n  ');
  return `query ${name}($vendor: Vendor!, $app: String, ${variables}) {\n  ${fields}\n}\nfragment F on Campaign { ${selection} }`;
}

function aliasedVariables(vendor: Vendor, app: string, ids: readonly string[]): Record<string, unknown> {
  return Object.fromEntries([['vendor', vendor], ['app', app], ...ids.map((id, i) => [`i${i}`, id])]);
}

/** Errors of one alias: its own (path [alias]) and its fields' (path [alias, field, ...]). */
function errorsOf(answer: GraphQLAnswer<unknown>, alias: string): ApiError[] {
  return answer.errors.filter(({ path }) => path[0] === alias).map(({ error }) => error);
}

/** Errors that belong to no campaign: the whole operation failed (HTTP 4xx/5xx, limits, network). */
function operationErrors(answer: GraphQLAnswer<unknown>): ApiError[] {
  return answer.errors.filter(({ path }) => path.length === 0).map(({ error }) => error);
}

/** True when the server refused the operation as too big (MAX_IDS_PER_REQUEST, quota seconds): smaller ones may pass. */
export function refusedAsTooBig(answer: GraphQLAnswer<unknown>): boolean {
  return answer.data === null && operationErrors(answer).some((error) => error.code === 'BAD_USER_INPUT');
}

type CampaignJson = CampaignData & { history?: Snapshot[] | null };

/** The history part of an answer: the snapshots, or the error that hid them (archive down). */
function historyState(answer: GraphQLAnswer<unknown>, alias: string, history: Snapshot[] | null | undefined): HistoryState {
  const error = answer.errors.find(({ path }) => path[0] === alias && path[1] === 'history')?.error;
  return error ? { status: 'failed', error } : { status: 'loaded', snapshots: history ?? [] };
}

/**
 * Loads one batch of campaigns of one vendor's app; every id gets a state, whatever failed. With
 * `history: 'inline'` the snapshots come in the same answer.
 */
export async function loadCampaignBatch(
  client: GraphQLClient,
  capabilities: Capabilities,
  vendor: Vendor,
  app: string,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<{ answer: GraphQLAnswer<unknown>; states: CampaignState[]; histories: HistoryState[] | null }> {
  const answer = await client.request<Record<string, CampaignJson | null>>(
    aliasedQuery('ReportCampaigns', ids.length, campaignFields(capabilities)),
    aliasedVariables(vendor, app, ids),
    signal,
  );
  const whole = operationErrors(answer);
  const states = ids.map((_, i): CampaignState => {
    const alias = `c${i}`;
    const found = answer.data?.[alias] ?? null;
    // A failed history is the curve's problem (shown there), not a failed figure.
    const errors = errorsOf(answer, alias).filter((error) => error.field !== 'history');
    if (found) {
      const { history: _history, ...data } = found;
      return { status: 'loaded', data, errors };
    }
    if (errors.length > 0 || whole.length > 0 || answer.data === null) {
      return { status: 'failed', errors: errors.length > 0 ? errors : whole.length > 0 ? whole : [noDataError(answer.status)] };
    }
    return { status: 'missing' };
  });
  const histories = capabilities.history === 'inline' ? ids.map((_, i) => historyState(answer, `c${i}`, answer.data?.[`c${i}`]?.history)) : null;
  return { answer, states, histories };
}

function noDataError(status: number): ApiError {
  return { message: `The server answered HTTP ${status} without data`, code: null, vendorCode: null, field: null };
}

/**
 * The archived funnel over time, asked separately from the figures where `history` is non-null in
 * the schema (its failure would null the whole campaign; here it only hides the curve). Sent after
 * the figures arrived, so the server answers `campaign(id)` from its answer cache.
 */
export async function loadHistoryBatch(
  client: GraphQLClient,
  vendor: Vendor,
  app: string,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<HistoryState[]> {
  const answer = await client.request<Record<string, { history: Snapshot[] | null } | null>>(
    aliasedQuery('ReportHistory', ids.length, HISTORY),
    aliasedVariables(vendor, app, ids),
    signal,
  );
  const whole = operationErrors(answer);
  return ids.map((_, i): HistoryState => {
    const alias = `c${i}`;
    const found = answer.data?.[alias];
    if (found) return historyState(answer, alias, found.history);
    const error = errorsOf(answer, alias)[0] ?? whole[0];
    return error ? { status: 'failed', error } : { status: 'loaded', snapshots: [] };
  });
}
