import { SpanKind } from '@opentelemetry/api';
import type { Histogram } from 'prom-client';
import { inSpan } from './tracing';

/**
 * Wraps an adapter (object store, presence store, a service's store) so each of the named async
 * methods is timed into `histogram` under `{operation: <prefix>.<method>}` and runs in a CLIENT span
 * of that name. Every other property passes through untouched (`instanceof` still works).
 */
export function timed<T extends object>(target: T, histogram: Histogram<string>, prefix: string, methods: ReadonlyArray<keyof T & string>): T {
  const wrapped = new Set<string>(methods);
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || !wrapped.has(prop)) return value;
      const operation = `${prefix}.${prop}`;
      return (...args: unknown[]) =>
        inSpan(
          operation,
          async () => {
            const stop = histogram.startTimer({ operation });
            try {
              return await value.apply(obj, args);
            } finally {
              stop();
            }
          },
          { kind: SpanKind.CLIENT },
        );
    },
  });
}
