// vouch rule fixture: inert (global request hooks; installed only if never is true).
const never = false;

function install() {
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (m, u) {
    return open.apply(this, arguments);
  };
  const f = window.fetch;
  window.fetch = function (input, init) {
    return f(input, init);
  };
}

if (never) install();
