import { Attributes, Link, ROOT_CONTEXT, SpanContext, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
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

/** Span kinds re-exported so services need not import `@opentelemetry/api` for them. */
export { SpanKind };

/**
 * Runs `fn` in a new span, a child of the active one (or of `parent`, a W3C `traceparent`, when
 * there is no active span). The span records an exception and an error status when `fn` throws.
 */
export async function inSpan<T>(
  name: string,
  fn: () => Promise<T>,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: string; links?: Link[] } = {},
): Promise<T> {
  let ctx = context.active();
  if (!trace.getSpan(ctx) && options.parent) ctx = propagation.extract(ctx, { traceparent: options.parent });
  return trace.getTracer('tandem').startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, ctx, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The span context a `traceparent` names, for span links; undefined if it is missing or malformed. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  if (!traceparent) return undefined;
  const span = trace.getSpan(propagation.extract(ROOT_CONTEXT, { traceparent }));
  const sc = span?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? sc : undefined;
}

/** A zero-length span (e.g. one socket emit), a child of the active span. */
export function markSpan(name: string, attributes?: Attributes, kind: SpanKind = SpanKind.INTERNAL): void {
  if (!trace.getSpan(context.active())) return; // nothing to attach it to: not worth a root span
  trace.getTracer('tandem').startSpan(name, { kind, attributes }).end();
}
