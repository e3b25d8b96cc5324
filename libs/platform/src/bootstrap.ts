import { INestApplication, LoggerService, Module, ModuleMetadata, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, createLogger } from './observability/logger';
import { startTracing } from './observability/tracing';
import { Config, loadConfig } from './config/config';

/** Routes NestJS's own log lines into the process's pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

/**
 * Starts a Tandem process: tracing first, then the Nest application on `PORT`, with shutdown hooks so
 * SIGTERM closes consumers gracefully. A start-up failure is logged with what to do and exits 1.
 */
export async function bootstrap(service: string, module: Type<unknown>, config: Config, configure?: (app: INestApplication) => void | Promise<void>): Promise<INestApplication> {
  startTracing(service);
  const logger = createLogger({ name: service, level: config.LOG_LEVEL });
  try {
    // forceCloseConnections: a keep-alive connection (browsers, fetch pools) must not hold up shutdown.
    // abortOnError: false — a start-up failure is thrown to the caller (runService exits 1; an in-process test fails alone).
    const app = await NestFactory.create(module, { logger: new PinoNestLogger(logger), bufferLogs: false, forceCloseConnections: true, abortOnError: false });
    app.enableShutdownHooks();
    await configure?.(app);
    await app.listen(config.PORT, config.HOST);
    const address = app.getHttpServer().address();
    logger.info({ port: typeof address === 'object' && address ? address.port : config.PORT }, `${service} listening`);
    return app;
  } catch (error) {
    logger.fatal({ err: error }, `${service} failed to start: ${(error as Error).message}`);
    throw error;
  }
}

/**
 * The `main` of a service: validates the environment (printing every bad variable and exiting 1 if
 * any), builds the root module from it and starts the process.
 */
export function runService(service: string, imports: (config: Config) => ModuleMetadata['imports']): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${service}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  @Module({ imports: imports(config) })
  class ServiceApp {}
  bootstrap(service, ServiceApp, config).catch(() => process.exit(1));
}
