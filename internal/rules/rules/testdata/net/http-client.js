// vouch rule fixture: inert, the request below never runs.
const https = require('https');

function report(data) {
  if (false) {
    const req = https.request({ host: 'collect.example.invalid', method: 'POST', path: '/r' });
    req.end(JSON.stringify(data));
  }
}
module.exports = report;
