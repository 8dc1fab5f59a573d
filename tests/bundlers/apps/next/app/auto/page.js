import Auto from './client.js';

export default function Page() {
  return (
    <main>
      <Auto />
    </main>
  );
}
