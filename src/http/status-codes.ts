import type { ApolloServerPlugin } from '@apollo/server';

/**
 * GraphQL over HTTP: a request error (parse, validation, variable coercion, a refused operation;
 * no `data`) is 400 with `application/graphql-response+json`, but 200 for a client that asked for
 * `application/json`, whose older tooling reads only the body. Without an Accept header Apollo's 400 stays.
 */
export function requestErrorStatus<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      const accept = request.http?.headers.get('accept') ?? '';
      const legacy = /\bapplication\/json\b/.test(accept) && !accept.includes('application/graphql-response+json');
      if (!legacy) return;
      return {
        async willSendResponse({ response }) {
          if (response.http.status === 400 && response.body.kind === 'single' && response.body.singleResult.data === undefined) {
            response.http.status = 200;
          }
        },
      };
    },
  };
}

export type OperationOutcome = 'ok' | 'partial' | 'error';

/**
 * What each operation's answer came to, by the request's abort signal (Apollo hands plugins a
 * shallow copy of the context; the signal is the same object), for the operations counter the HTTP
 * layer increments once the answer is sent. A request refused before Apollo's pipeline has none: an
 * error. Read from the result, not the body: reading a 300 KB answer's first bytes copies all of it.
 */
export const operationOutcomes = new WeakMap<AbortSignal, OperationOutcome>();

export function recordOperationOutcome<TContext extends { signal?: AbortSignal }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const { signal } = contextValue;
      if (!signal) return;
      return {
        async willSendResponse({ response }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const outcome = !result.errors?.length ? 'ok' : result.data === undefined || result.data === null ? 'error' : 'partial';
          operationOutcomes.set(signal, outcome);
        },
      };
    },
  };
}
