'use client';
// The first tiny app as a client component: the package used explicitly.
import { useEffect } from 'react';
import { EventSource, isPolyfill } from 'eventsource-wasm';
import { record } from '../record.js';

export default function Explicit() {
  useEffect(() => {
    const app = record(EventSource, { entry: 'explicit', isPolyfill: isPolyfill(EventSource) });
    return () => app.source?.close();
  }, []);
  return <p id="client">client</p>;
}
