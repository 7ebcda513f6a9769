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
  // The graph questions, asked of the seed: ready-to-run tabs for a first visit (GraphiQL keeps the
  // user's own tabs in localStorage afterwards). The same three are in the README.
  var examples = [
    [
      '# How are the St. Petersburg police connected to the Defence Ministry?',
      '# Each hop says which relation, which way, and who says so.',
      '{',
      '  paths(from: "meduza-2025-01-spb-raids:actor:st-petersburg-police",',
      '        to: "meduza-2025-01-spb-raids:actor:russian-defense-ministry", k: 3) {',
      '    paths {',
      '      length leansOnUnsourced caveats',
      '      nodes { id ... on Event { title } ... on Actor { name } }',
      '      hops { direction edge { kind role',
      '        evidence { basis claims { status excerpt source { publisher { name } } } } } }',
      '    }',
      '    bounds { truncated truncatedBy }',
      '  }',
      '}',
    ],
    [
      '# The case in time order; fuzzy and open dates are placed and marked honestly.',
      '{',
      '  timeline(collection: "meduza-2025-01-spb-raids") {',
      '    entries { position placement note event { title } }',
      '    bounds { truncated }',
      '  }',
      '}',
    ],
    [
      '# Which figures do the sources disagree on? Side by side, with each outlet.',
      '{',
      '  conflicts(collections: ["meduza-2025-01-spb-raids"]) {',
      '    conflicts { subject reasons event { title }',
      '      figures { reading count { wording }',
      '        sources { status excerpt outlet { name } source { title } } } }',
      '    bounds { truncated }',
      '  }',
      '}',
    ],
  ].map(function (lines) {
    return { query: lines.join('\n') + '\n' };
  });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultTabs: examples.concat([{ query: defaultQuery }]),
      defaultEditorToolsVisibility: true,
      // Open the Docs pane: the schema's documentation is how a first-time user finds the questions.
      visiblePlugin: 'Documentation Explorer',
    }),
  );
})();
