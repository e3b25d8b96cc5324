import { DocumentsError } from '@tandem/sdk';

/**
 * `open()` again after an `UNAVAILABLE` answer ("try again shortly": an overloaded docs service
 * did not answer the gateway in time), 1 s apart, 5 attempts in all; `retried` counts them.
 */
export async function retryUnavailable<T>(open: () => Promise<T>, retried: () => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof DocumentsError) || error.code !== 'UNAVAILABLE' || attempt === 5) throw error;
      retried();
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
