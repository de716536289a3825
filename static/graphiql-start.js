// Starts GraphiQL on /graphql. A file, not an inline script: the page's CSP allows scripts from this origin only.
const defaultQuery = JSON.parse(document.getElementById('example-query').textContent);
const fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).href });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: false }),
);
