/* Recur: the site opened from disk (file://, a file share). Runs before mkdocs-material's bundle (main.html).
 *
 * Served over http(s) it does nothing. From file:// the browser lets a page fetch nothing and start no
 * worker from a file, so material's header search could not load (its index fetched, its worker refused):
 * an "Invalid script" error and a box that never answered. Material is kept from loading an index it cannot
 * have (it loads search/search_index.js at once when a form named "search" is on the page), and the header
 * search says, in its results, that it needs the site served over http(s) (recur-suggest.js, fileSearch).
 */
(function () {
  "use strict";
  if (window.location.protocol !== "file:") return;
  var form = document.forms.namedItem("search");
  if (form) form.removeAttribute("name");
  document.documentElement.setAttribute("data-recur-file", "no-search");
})();
