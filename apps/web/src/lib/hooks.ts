import { useEffect, useState } from 'preact/hooks';

/** The current value of something the SDK pushes changes of; re-rendered on every change. */
export function useLive<T>(get: () => T, subscribe: (onChange: () => void) => () => void, deps: unknown[]): T {
  const [, setTick] = useState(0);
  useEffect(() => subscribe(() => setTick((t) => t + 1)), deps);
  return get();
}

/** Runs an async load when `deps` change; gives its result, error and a reload function. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): { value: T | undefined; error: Error | undefined; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => live && setState({ value, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, nonce]);
  return { value: state.value, error: state.error, loading: state.loading, reload: () => setNonce((n) => n + 1) };
}

/** The location hash as a list of path parts: `#/doc/launch` → `['doc', 'launch']`. */
export function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export const go = (...parts: string[]) => {
  location.hash = `#/${parts.map(encodeURIComponent).join('/')}`;
};
export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
