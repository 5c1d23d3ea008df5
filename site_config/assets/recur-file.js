/* Recur: the site opened from disk (file://, a file share). Runs before mkdocs-material's bundle (main.html).
 *
 * Served over http(s) it does nothing. From file:// the browser lets a page fetch nothing and start no
 * worker from a file, so material's header search could not load (its index fetched, its worker refused):
 * an "Invalid script" error and a box that never answered.
 *
 * Built without --file-search (no data-worker): material is kept from loading an index that is not there
 * (it loads search/search_index.js at once when a form named "search" is on the page), and the header
 * search says, in its results, that it needs the site served over http (recur-suggest.js, fileSearch).
 *
 * Built with `recur site --file-search`: search/search_index.js holds the index as a script (a <script>
 * loads from file:// where fetch does not) and search/recur-search-worker.js holds material's own search
 * worker as text; the worker material asks for is started from that text as a blob, so the header search
 * works as served. Nothing is downloaded from anywhere else.
 */
(function () {
  "use strict";
  if (window.location.protocol !== "file:") return;
  var me = document.currentScript, root = document.documentElement;
  var worker = me && me.getAttribute("data-worker");
  if (!worker) {
    var form = document.forms.namedItem("search");
    if (form) form.removeAttribute("name");
    root.setAttribute("data-recur-file", "no-search");
    return;
  }
  root.setAttribute("data-recur-file", "search");
  var Native = window.Worker, code = null, loading = null;

  /* material's worker as text, once a page: from search/recur-search-worker.js, by a <script> tag */
  function loadCode() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = new URL(worker, window.location.href).href;
        tag.onload = function () {
          code = window.__recur_search_worker;
          if (typeof code === "string") resolve(code);
          else reject(new Error(worker + ": no search worker in it"));
        };
        tag.onerror = function () { reject(new Error(worker + ": not found (a site copied in part?)")); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  /* Stands in for material's search worker: what material posts before the worker has started is kept and
     sent when it has; its answers come back as "message" events, as a Worker's do. */
  function FileWorker(src, options) {
    if (!/\/workers\/search\.[^\/?#]*\.js(?:[?#].*)?$/.test(String(src))) return new Native(src, options);
    var self = this, target = document.createElement("span"), queue = [], real = null;
    this.addEventListener = target.addEventListener.bind(target);
    this.removeEventListener = target.removeEventListener.bind(target);
    this.dispatchEvent = target.dispatchEvent.bind(target);
    this.postMessage = function (message) { if (real) real.postMessage(message); else queue.push(message); };
    this.terminate = function () { if (real) real.terminate(); queue = null; };
    loadCode().then(function (text) {
      if (queue === null) return;
      real = new Native(URL.createObjectURL(new Blob([text], { type: "text/javascript" })));
      real.addEventListener("message", function (e) {
        var event = new MessageEvent("message", { data: e.data });
        if (typeof self.onmessage === "function") self.onmessage(event);
        target.dispatchEvent(event);
      });
      queue.forEach(function (message) { real.postMessage(message); });
      queue = [];
    }, function (err) {
      /* the search says it needs http(s) after all (recur-suggest.js listens) */
      root.setAttribute("data-recur-file", "no-search");
      document.dispatchEvent(new Event("recur:no-file-search"));
      if (window.console) window.console.warn("recur: the header search cannot start from file://: " + err.message);
    });
  }
  window.Worker = FileWorker;
})();
