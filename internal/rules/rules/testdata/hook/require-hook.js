// vouch rule fixture: inert.
const Module = require('module');
const http = require('http');

if (false) {
  const orig = Module.prototype.require;
  Module.prototype.require = function (id) {
    return orig.call(this, id);
  };
  const req = http.request;
  http.request = function () {
    return req.apply(this, arguments);
  };
}
