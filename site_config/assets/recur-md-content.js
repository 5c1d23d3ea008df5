/* mkdocs-material's inline content snippets (partials/javascripts/content.html), as a file. With the
   content.tabs.link feature (the script tag's data-tabs-link), the tabs last chosen on any page are
   chosen again (material's snippet, as it is); then the content tab named by the URL's #fragment opens. */
(function () {
  var script = document.currentScript;
  if (script && script.hasAttribute("data-tabs-link")) {
    var tabs = __md_get("__tabs");
    if (Array.isArray(tabs)) e: for (var set of document.querySelectorAll(".tabbed-set")) {
      var labels = set.querySelector(".tabbed-labels");
      for (var tab of tabs) for (var label of labels.getElementsByTagName("label")) if (label.innerText.trim() === tab) {
        var input = document.getElementById(label.htmlFor);
        input.checked = true;
        continue e;
      }
    }
  }
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
})();
