// The first tiny app: the package used explicitly.
import { EventSource, isPolyfill } from 'eventsource-wasm';
import { record } from './record.js';

record(EventSource, { entry: 'explicit', isPolyfill: isPolyfill(EventSource) });
