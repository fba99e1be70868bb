// vouch rule fixture: inert.
const os = require('os');

function profile() {
  return {
    host: os.hostname(),
    user: os.userInfo().username,
    nets: os.networkInterfaces(),
    env: JSON.stringify(process.env),
  };
}
module.exports = profile;
