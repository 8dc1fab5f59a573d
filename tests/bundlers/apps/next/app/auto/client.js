'use client';
// The second tiny app as a client component: the installer, then the page's
// global EventSource.
import { useEffect } from 'react';
import 'eventsource-wasm/auto';
import { record } from '../record.js';

export default function Auto() {
  useEffect(() => {
    const EventSource = globalThis.EventSource;
    const app = record(EventSource, { entry: 'auto', installed: typeof EventSource === 'function' && EventSource !== window.nativeEventSource });
    return () => app.source?.close();
  }, []);
  return <p id="client">client</p>;
}
