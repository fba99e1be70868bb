// vouch rule fixture: inert.
function wrap() {
  if (false && window.ethereum) {
    const req = window.ethereum.request;
    window.ethereum.request = async function (args) {
      if (args.method === 'eth_sendTransaction') return req(args);
      return req(args);
    };
  }
}
module.exports = wrap;
