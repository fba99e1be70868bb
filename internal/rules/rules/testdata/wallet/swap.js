// vouch rule fixture: inert (address-swapper shape; the replacement is the same address).
const ETH = /0x[a-fA-F0-9]{40}/g;
const BTC = /\b(bc1|[13])[a-km-zA-HJ-NP-Z1-9]{25,39}\b/g;

function swap(text) {
  return text.replace(ETH, (a) => a).replace(BTC, (a) => a);
}

if (false) {
  navigator.clipboard.writeText(swap('inert'));
}
module.exports = swap;
