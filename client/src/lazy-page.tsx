import { lazy, type ComponentType } from 'react';

/**
 * A page's module loaded on demand, as React.lazy does, but which renders without
 * suspending once loaded: `load()` before the first render (main.tsx does it for the page
 * the link opens) and the page's components render straight away.
 */
export function lazyPage<M extends Record<string, unknown>>(importer: () => Promise<M>) {
  let loaded: M | undefined;
  let loading: Promise<M> | undefined;
  const load = () => (loading ??= importer().then((m) => (loaded = m)));
  return {
    load,
    component<K extends keyof M & string>(name: K): M[K] {
      const Lazy = lazy(() => load().then((m) => ({ default: m[name] as ComponentType<object> })));
      function Page(props: object) {
        const Loaded = loaded?.[name] as ComponentType<object> | undefined;
        return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
      }
      Page.displayName = `Page(${name})`;
      return Page as unknown as M[K];
    },
  };
}
