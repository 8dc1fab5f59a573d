// The second tiny app: the installer, then the page's global EventSource.
import 'eventsource-wasm/auto';
import { record } from './record.js';

const EventSource = globalThis.EventSource;
record(EventSource, { entry: 'auto', installed: typeof EventSource === 'function' && EventSource !== window.nativeEventSource });
