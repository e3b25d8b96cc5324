import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LOGGER, Logger } from '@tandem/platform';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

/** Serves the built web app at `/`, after the API routes. */
@Injectable()
export class WebAssets implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const root = this.options.webRoot;
    if (!root) return;
    const app = this.adapterHost.httpAdapter.getInstance<express.Express>();
    if (!existsSync(join(root, 'index.html'))) {
      this.logger.warn({ root }, 'the web app is not built; run `npm run build:web`');
      app.get('/', (_req, res) => {
        res.status(503).type('text/plain').send('The web app is not built: run `npm run build:web` (npm start does it for you).');
      });
      return;
    }
    app.use(express.static(root, { index: 'index.html', maxAge: '1h' }));
  }
}
