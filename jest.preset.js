// Shared Jest settings: TypeScript through SWC (with decorator metadata for NestJS DI).
const path = require('node:path');
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: {
    '^@tandem/platform/testing$': path.join(__dirname, 'libs/platform/src/testing/index.ts'),
    '^@tandem/sdk/node$': path.join(__dirname, 'libs/sdk/src/node.ts'),
    '^@tandem/(contracts|documents|platform|sdk)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  },
  // ESM-only packages are compiled to CommonJS for Jest (Node itself loads them with require(esm)).
  transformIgnorePatterns: ['/node_modules/(?!(jose|fractional-indexing)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: [path.join(__dirname, 'jest.setup.js')],
};
