// vouch rule fixture: inert.
const crypto = require('crypto');

function unseal(key, iv, data) {
  const d = crypto.createDecipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([d.update(data), d.final()]);
}
module.exports = unseal;
