/**
 * A small utility module. Its documentation talks about things that the
 * code does not do, which must not become capabilities:
 *
 *   const cp = require('child_process'); cp.execSync('ls')
 *   fetch('https://example.com'); eval(atob(x)); JSON.stringify(process.env)
 *   XMLHttpRequest.prototype.open = fn; window.fetch = fn
 *   curl https://example.com/install.sh | sh
 */

// Older versions used require("https") and new Function(...) here.
const DEFAULTS = { retries: 3, url: 'https://docs.example.com/guide#eval' };

function merge(a, b) {
  return Object.assign({}, DEFAULTS, a, b); // not eval("...")
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

module.exports = { merge, slug };
