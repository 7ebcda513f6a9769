// Starts GraphiQL against this service's /graphql endpoint. Kept out of the HTML so that a strict
// Content-Security-Policy (no inline scripts) can be applied in front of the service.
(function () {
  var fetcher = GraphiQL.createFetcher({
    url: new URL('/graphql', window.location.href).toString(),
    headers: { Accept: 'application/graphql-response+json, application/json' },
  });
  var defaultQuery = [
    '# Welcome to casegraph. The Docs pane (book icon) documents every type.',
    '{',
    '  system {',
    '    version',
    '    database { reachable version edition migrationsApplied }',
    '  }',
    '}',
    '',
  ].join('\n');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
    }),
  );
})();
