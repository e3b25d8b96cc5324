import { context, propagation, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK once per process. Exporters and sampling come from the standard
 * `OTEL_*` variables (e.g. `OTEL_EXPORTER_OTLP_ENDPOINT`); with no exporter configured traces are not
 * exported but trace ids still flow through logs and Kafka headers.
 */
export function startTracing(serviceName: string): void {
  if (sdk || process.env.OTEL_SDK_DISABLED === 'true') return;
  process.env.OTEL_SERVICE_NAME ??= serviceName;
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT && !process.env.OTEL_TRACES_EXPORTER) process.env.OTEL_TRACES_EXPORTER = 'none';
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  sdk = new NodeSDK({ instrumentations: [] });
  sdk.start();
}

export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

/** The W3C `traceparent` of the active span, for an outgoing event's envelope. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs `fn` in a span that continues the trace of an incoming event's `traceparent`. */
export async function withSpanFrom<T>(name: string, traceparent: string | undefined, fn: () => Promise<T>): Promise<T> {
  const parent = traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
  return trace.getTracer('tandem').startActiveSpan(name, {}, parent, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}
