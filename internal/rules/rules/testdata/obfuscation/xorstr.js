// vouch rule fixture: inert (decodes a constant that is never used).
function d(s, k) {
  let o = '';
  for (let i = 0; i < s.length; i++) o += String.fromCharCode(s.charCodeAt(i) ^ k);
  return o;
}
module.exports = d;
