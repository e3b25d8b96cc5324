// Runs TypeScript sources directly (SWC, with decorator metadata for NestJS): `node -r ./scripts/register.js x.ts`.
require('reflect-metadata');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || require('node:path').join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
