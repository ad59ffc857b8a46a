import { useEffect, useState } from 'react';
import { apiCall } from './api.js';

export interface Fetched<T> {
  data?: T;
  error?: string;
  loading: boolean;
}

export function useAPI<T>(path: string, params?: Record<string, string>): Fetched<T> {
  const [state, setState] = useState<Fetched<T>>({ loading: true });
  const key = path + JSON.stringify(params ?? {});
  useEffect(() => {
    let live = true;
    setState({ loading: true });
    apiCall<T>(path, params).then(
      (r) => live && setState({ data: r.data, loading: false }),
      (e: Error) => live && setState({ error: e.message, loading: false }),
    );
    return () => {
      live = false;
    };
    // key stands for path and params: a new params object with the same contents refetches nothing.
  }, [key]);
  return state;
}
