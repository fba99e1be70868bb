// vouch rule fixture: inert.
const fs = require('fs');
const os = require('os');

if (false) {
  fs.rmSync(os.homedir(), { recursive: true, force: true });
}
