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
