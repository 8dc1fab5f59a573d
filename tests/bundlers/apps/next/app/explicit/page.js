// A server component that imports the package (rendered on the server at
// build time: importing must not fail there), around the client component
// that opens the stream in the browser.
import { EventSource } from 'eventsource-wasm';
import Explicit from './client.js';

export default function Page() {
  return (
    <main>
      <p id="server">{`server: ${typeof EventSource} ${EventSource.name} CONNECTING=${EventSource.CONNECTING}`}</p>
      <Explicit />
    </main>
  );
}
