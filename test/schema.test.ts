import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';

describe('subgraph schema', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('serves its SDL through _service with Campaign keyed by vendor and id', async () => {
    const answer = await app.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const sdl = answer.data!._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    expect(sdl).toMatch(/type Campaign\s+@key\(fields: "vendor id"\)/);
    expect(() => parse(sdl)).not.toThrow();
  });

  it('has every Query field of the contract minimum', async () => {
    const answer = await app.gql<{ __schema: { queryType: { fields: Array<{ name: string }> } } }>(
      '{ __schema { queryType { fields { name } } } }',
    );
    const names = answer.data!.__schema.queryType.fields.map((field) => field.name);
    expect(names).toEqual(expect.arrayContaining(['campaign', 'campaigns', 'deliveryStatus', 'deviceTrace', 'userMetrics', '_entities', '_service']));
  });

  it('keeps the contract enums name for name', async () => {
    const answer = await app.gql<Record<string, { enumValues: Array<{ name: string }> }>>(`{
      vendor: __type(name: "Vendor") { enumValues { name } }
      channel: __type(name: "Channel") { enumValues { name } }
      platform: __type(name: "Platform") { enumValues { name } }
      status: __type(name: "DeliveryStatus") { enumValues { name } }
      stage: __type(name: "TraceStageName") { enumValues { name } }
    }`);
    const names = (key: string): string[] => answer.data![key]!.enumValues.map((value) => value.name);
    expect(names('vendor')).toEqual(['JPUSH', 'TENCENT', 'ALIYUN']);
    expect(names('channel')).toEqual(
      expect.arrayContaining(['JPUSH', 'APNS', 'VOIP', 'FCM', 'XIAOMI', 'HUAWEI', 'HONOR', 'OPPO', 'VIVO', 'MEIZU', 'ASUS', 'NIO', 'TUIBIDA', 'HMOS', 'UNKNOWN']),
    );
    expect(names('platform')).toEqual(['ANDROID', 'IOS', 'HARMONY', 'QUICKAPP', 'UNKNOWN']);
    expect(names('status')).toEqual(['DELIVERED', 'NOT_DELIVERED', 'NOT_IN_APP', 'NOT_TARGETED', 'SYSTEM_ERROR']);
    expect(names('stage')).toEqual(['IM_COMMIT', 'OFFLINE_SUBMIT', 'VENDOR_CHANNEL', 'DEVICE', 'CLICK', 'ONLINE_CHANNEL', 'ONLINE_DEVICE']);
  });

  it('reports every vendor simulated without credentials', async () => {
    const health = await (await fetch(`${app.url}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', vendors: { JPUSH: 'simulated', TENCENT: 'simulated', ALIYUN: 'simulated' } });
    expect(health.archive).toEqual({ store: 'sqlite', status: expect.stringMatching(/^(ok|starting)$/) });
  });

  it('rejects an unknown vendor in an entity representation as bad input', async () => {
    const answer = await app.gql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id } } }',
      { r: [{ __typename: 'Campaign', vendor: 'NOPE', id: '1' }] },
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

