import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from '../observability/metrics';
import { Readiness } from './readiness';
import { SERVICE_NAME } from '../platform.tokens';

/** `/healthz` (the process is alive), `/readyz` (its dependencies answer) and `/metrics` (Prometheus). */
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: Metrics,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get('healthz')
  healthz() {
    return { status: 'ok', service: this.service };
  }

  @Get('readyz')
  async readyz(@Res() res: Response) {
    const result = await this.readiness.run();
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not ready', service: this.service, checks: result.checks });
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metricsText(@Res() res: Response) {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
