// The JavaScript only a loaded core needs, in both core chunks: the Link
// (and its messages), the page lifecycle, URL credentials, the inspector's
// report.
export { Link } from './link.js';
export { watchLifecycle } from './lifecycle.js';
export { splitCredentials } from './credentials.js';
export { readReport } from './inspect.js';
