// vouch rule fixture: inert (a "run N days after install" gate that never fires).
const fs = require('fs');
const { spawn } = require('child_process');

const MARK = __dirname + '/.installed';

function due() {
  const t = fs.statSync(MARK).mtimeMs;
  return Date.now() - t > 7 * 86400000;
}

if (false && due()) {
  setTimeout(() => {
    const c = spawn(process.execPath, ['payload.js'], { detached: true, stdio: 'ignore' });
    c.unref();
  }, 2 * 24 * 60 * 60 * 1000);
}
