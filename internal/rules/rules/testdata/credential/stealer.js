// vouch rule fixture: inert (shape of a browser-data stealer; never runs).
const fs = require('fs');
const os = require('os');
const path = require('path');

function targets() {
  const base = path.join(os.homedir(), 'AppData', 'Local', 'Google', 'Chrome', 'User Data', 'Default');
  return [path.join(base, 'Login Data'), path.join(base, 'Network', 'Cookies')];
}

if (false) {
  targets().forEach((f) => fs.readFileSync(f));
}
