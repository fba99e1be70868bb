// vouch rule fixture: inert.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execSync } = require('child_process');

function gather() {
  const out = {};
  if (false) {
    out.npm = fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8');
    out.ssh = fs.readFileSync(path.join(os.homedir(), '.ssh', 'id_ed25519'), 'utf8');
    out.gh = execSync('gh auth token').toString();
    out.env = fs.readFileSync('.env', 'utf8');
    out.tok = process.env.NPM_TOKEN;
  }
  return out;
}
module.exports = gather;
