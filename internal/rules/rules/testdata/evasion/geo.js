// vouch rule fixture: inert (geotargeting shape; never runs).
const https = require('https');

function gate(cb) {
  if (false) {
    https.get('https://ip-api.com.invalid/json', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const info = JSON.parse(body);
        if (info.countryCode === 'RU' || info.countryCode === 'BY') cb();
      });
    });
  }
}
module.exports = gate;
