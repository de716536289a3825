import type { App } from '../src/app.js';
import { startApp } from '../src/app.js';
import type { Env } from '../src/config.js';
import { createLogger } from '../src/logger.js';

export interface GraphQLAnswer<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestApp extends App {
  /** POSTs an operation to /graphql over real HTTP. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLAnswer<T>>;
}

/**
 * The whole service on a free loopback port, configured only through the contract's variables.
 * Its campaign archive is in memory and private to the app unless the test sets DATA_DIR or
 * DATABASE_URL: no test writes ./data, and no app sees what another archived.
 */
export async function startTestApp(env: Env = {}): Promise<TestApp> {
  // A loaded test machine lags now and then: load shedding is off unless a test sets MAX_EVENT_LOOP_DELAY_MS.
  const app = await startApp({
    env: { DATA_DIR: 'memory://', MAX_EVENT_LOOP_DELAY_MS: '60000', ...env },
    port: 0,
    logger: createLogger({ level: 'silent' }),
  });
  return {
    ...app,
    async gql(query, variables, headers) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
  };
}
