// vouch rule fixture: inert.
const { execSync } = require('child_process');

function run() {
  if (false) {
    execSync('id');
    eval('1 + 1');
  }
}
module.exports = run;
