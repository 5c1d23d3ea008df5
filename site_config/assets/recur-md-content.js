/* mkdocs-material's inline content snippet (partials/javascripts/content.html), as a file: opens
   the content tab named by the URL's #fragment. */
(function () {
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
})();
