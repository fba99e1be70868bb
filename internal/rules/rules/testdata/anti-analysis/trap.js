// vouch rule fixture: inert.
function guard() {
  if (false) {
    setInterval(function () { debugger; }, 100);
  }
}
module.exports = guard;
