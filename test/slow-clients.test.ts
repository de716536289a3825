import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';

/** Resolves with everything the server sent once it closes the socket. */
const closed = (socket: Socket): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', () => undefined);
  });

describe('slow clients (raw sockets on loopback)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ REQUEST_TIMEOUT_MS: '500', API_KEYS: 'the-key' });
  });
  afterAll(() => app.close());

  it('drops trickled bodies at REQUEST_TIMEOUT_MS and refuses a bad key before reading the body; /health answers meanwhile', async () => {
    const port = Number(new URL(app.url).port);
    const trickling = Array.from({ length: 20 }, () => {
      const socket = connect(port, '127.0.0.1');
      socket.write(
        'POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer the-key\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      );
      return { socket, done: closed(socket), started: Date.now() };
    });
    const refused = connect(port, '127.0.0.1');
    refused.write(
      'POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    );
    const refusedAnswer = closed(refused);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect((await app.gql('{ __typename }', {}, { authorization: 'Bearer the-key' })).status).toBe(200);
    expect(await refusedAnswer).toMatch(/^HTTP\/1\.1 401/);
    const ends = await Promise.all(trickling.map(async ({ done, started }) => ({ text: await done, ms: Date.now() - started })));
    expect(ends.every(({ ms }) => ms < 3_000)).toBe(true);
  });
});
