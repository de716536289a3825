/** The operations the bench sends, and a client that fails loudly on any error. */

const FUNNEL = 'funnel { target sent received displayed clicked }';

/** What a delivery dashboard asks of a JPush campaign: the funnel and every channel's figures. */
export const DASHBOARD_FIELDS = `vendor id availability ${FUNNEL} channels { channel platform messageType target sent received displayed clicked }`;

/** The fields that reach each vendor API of the campaign-call scenario. */
export const CALL_FIELDS = {
  JPUSH: `id ${FUNNEL}`,
  // statistics (funnel) and loss (lossReasons): one call per 5 TaskIDs each.
  TENCENT: `id ${FUNNEL} lossReasons { stage errorCode count }`,
  ALIYUN: `id ${FUNNEL} sms { sent }`,
} as const;

export type CampaignVendor = keyof typeof CALL_FIELDS;

export function campaignsQuery(vendor: CampaignVendor, fields: string): string {
  return `query Campaigns($ids: [ID!]!) { campaigns(vendor: ${vendor}, ids: $ids) { ${fields} } }`;
}

/** One `campaign` field per id, aliased (ids inline, as a client building the document does). */
export function aliasesQuery(vendor: CampaignVendor, ids: readonly string[], fields: string): string {
  const aliases = ids.map((id, index) => `c${index}: campaign(vendor: ${vendor}, id: ${JSON.stringify(id)}) { ...F }`).join(' ');
  return `query Aliases { ${aliases} } fragment F on Campaign { ${fields} }`;
}

/** What a federation gateway sends for referenced campaigns. */
export function entitiesQuery(fields: string): string {
  return `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Campaign { ${fields} } } }`;
}

export const representations = (vendor: CampaignVendor, ids: readonly string[]): Array<{ __typename: 'Campaign'; vendor: string; id: string }> =>
  ids.map((id) => ({ __typename: 'Campaign', vendor, id }));

export interface Answer {
  data: Record<string, unknown>;
  /** The response body as sent. */
  text: string;
}

/** POSTs an operation; throws on a non-200 status or any GraphQL error (a bench answer must be whole). */
export async function gql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (response.status !== 200 || body.errors?.length || !body.data) {
    const first = body.errors?.[0];
    throw new Error(`GraphQL answered HTTP ${response.status}: ${first ? `${first.extensions?.code ?? ''} ${first.message}` : text.slice(0, 200)}`);
  }
  return { data: body.data, text };
}

/** The campaigns of an answer, in order, whichever root field (list, aliases, _entities) carried them. */
export function answeredCampaigns(answer: Answer): unknown[] {
  const { data } = answer;
  if (Array.isArray(data.campaigns)) return data.campaigns;
  if (Array.isArray(data._entities)) return data._entities;
  return Object.keys(data)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((key) => data[key]);
}
