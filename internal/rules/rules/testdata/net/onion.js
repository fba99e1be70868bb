// vouch rule fixture: inert (a made-up v3 onion name).
const C2 = 'http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/gate';
module.exports = { C2 };
