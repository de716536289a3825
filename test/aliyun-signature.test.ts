import { describe, expect, it } from 'vitest';
import { canonicalQuery, percentEncode, rpcTimestamp, signature, signedQuery, stringToSign } from '../src/datasources/aliyun/signature.js';

// Alibaba Cloud's published RPC signature example (signature v1 docs): AccessKeyId "testid",
// AccessKeySecret "testsecret", DescribeRegions.
const EXAMPLE = {
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z',
  Version: '2014-05-26',
};

describe('Alibaba RPC signature v1', () => {
  it("reproduces Alibaba's published string to sign", () => {
    expect(stringToSign(EXAMPLE)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
  });

  it("reproduces Alibaba's published signature", () => {
    expect(signature(EXAMPLE, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('sorts by parameter name whatever the insertion order, and ignores a Signature already present', () => {
    const shuffled = Object.fromEntries(Object.entries(EXAMPLE).reverse());
    expect(signature({ ...shuffled, Signature: 'stale' }, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it("percent-encodes per RFC 3986 as Alibaba requires: !'()* encoded, space as %20, ~ kept", () => {
    expect(percentEncode("a b!'()*~-_.+/=&é")).toBe('a%20b%21%27%28%29%2A~-_.%2B%2F%3D%26%C3%A9');
  });

  it('builds the query string with the signature encoded last (a + in base64 must not become a space)', () => {
    expect(signedQuery(EXAMPLE, 'testsecret')).toBe(`${canonicalQuery(EXAMPLE)}&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D`);
    expect(new URLSearchParams(signedQuery(EXAMPLE, 'testsecret')).get('Signature')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('formats Timestamp as YYYY-MM-DDTHH:mm:ssZ in UTC', () => {
    expect(rpcTimestamp(new Date(Date.UTC(2016, 1, 23, 12, 46, 24, 789)))).toBe('2016-02-23T12:46:24Z');
  });
});
