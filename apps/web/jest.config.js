const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'web',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // The ProseMirror binding and its helpers are ES modules only.
  transformIgnorePatterns: ['/node_modules/(?!(@automerge/prosemirror|ordered-map|fractional-indexing|jose)/)'],
};
