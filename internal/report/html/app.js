// Optional helpers: the page reads fully without them.
(function () {
  "use strict";
  var tools = document.querySelector(".treetools");
  var tree = document.querySelector("ul.tree");
  if (!tools || !tree) {
    return;
  }
  tools.hidden = false;
  tools.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-tree]");
    if (!b) {
      return;
    }
    var open = b.getAttribute("data-tree") === "open";
    tree.querySelectorAll("details").forEach(function (d) {
      d.open = open;
    });
  });
  var input = document.getElementById("treefilter");
  var items = Array.prototype.slice.call(tree.querySelectorAll("li")).reverse();
  input.addEventListener("input", function () {
    var q = input.value.toLowerCase();
    // Children come before their parents in this order, so a folder
    // knows whether anything inside it is still shown.
    items.forEach(function (li) {
      var node = li.querySelector(".node");
      var text = node ? ((node.getAttribute("title") || "") + " " + node.textContent).toLowerCase() : "";
      var show = q === "" || text.indexOf(q) >= 0;
      var det = li.querySelector(":scope > details");
      var kids = det ? det.querySelector(":scope > ul") : null;
      var anyKid = false;
      if (kids) {
        for (var i = 0; i < kids.children.length; i++) {
          if (!kids.children[i].hidden) {
            anyKid = true;
          }
        }
      }
      li.hidden = !(show || anyKid);
      if (q !== "" && det && anyKid) {
        det.open = true;
      }
    });
  });
})();
